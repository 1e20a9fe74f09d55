import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realFixture } from '../real-fixtures.ts';
import { detectKind } from './kind-registry.ts';

const firstLine = (name: string): Buffer => {
  const bytes = readFileSync(realFixture(name));
  const nl = bytes.indexOf(10);
  return nl < 0 ? bytes : bytes.subarray(0, nl);
};

describe('detectKind', () => {
  it.each([
    ['cdr_csv 18 columns', '"","100","200","from-internal","""A"" <100>","SIP/100-00000001","SIP/200-00000002","Dial","SIP/200,20","2015-03-24 10:00:00","2015-03-24 10:00:02","2015-03-24 10:00:09",9,7,"ANSWERED","DOCUMENTATION","1427191200.1",""', 'cdr'],
    ['cdr_csv 16 columns, empty answer', '"","1","2","c","clid","SIP/1","","Hangup","","2025-01-01 00:00:00",,"2025-01-01 00:00:05",5,0,"NO ANSWER","DOCUMENTATION"', 'cdr'],
    ['cdr_custom 19 columns', '""""" <client1>","client1","6789","default","PJSIP/client1-00000002","PJSIP/client2-00000003","Dial","PJSIP/client2","2023-07-26 01:51:32","2023-07-26 01:51:50","2023-07-26 01:52:04","31","13","ANSWERED","DOCUMENTATION","","1690325492.2","",2', 'cdr'],
    ['CSV header of an export', 'accountcode,src,dst,dcontext', 'cdr'],
    ['CSV header with a byte order mark', '\ufeffcalldate,clid,src', 'cdr'],
    ['queue_log line', '1266833361|NONE|NONE|NONE|QUEUESTART|', 'queue_log'],
    ['queue_log ENTERQUEUE with commas in the caller id', '1700000000|1700000000.1|q1|NONE|ENTERQUEUE|url,x|555,1|1', 'queue_log'],
    ['empty line', '', 'queue_log'],
    ['CSV that is no CDR layout', '"a","b","c"', 'queue_log'],
  ])('%s -> %s', (_name, line, expected) => {
    expect(detectKind(Buffer.from(line, 'utf8'))).toBe(expected);
  });

  it.each([
    ['BugaDM__TelephonySwitching__Master.csv', 'cdr'],
    ['KelySaina__cdr__Master.csv', 'cdr'],
    ['asterisk__testsuite__cdrlib_good.csv', 'cdr'],
    ['asterisk__testsuite__self_test_Master.csv', 'cdr'],
    ['mineevburyat__dj-asterisk-cdr__Master.csv', 'cdr'],
    ['simularent__asterisk-for-speech-to-text__Master.csv', 'cdr'],
    ['tejdeepsingh__hackathon2025__Master.csv', 'cdr'],
    ['DareDevinX__AsteriskReport__Testdaten.txt', 'queue_log'],
  ])('real file %s -> %s', (name, expected) => {
    expect(detectKind(firstLine(name))).toBe(expected);
  });
});
