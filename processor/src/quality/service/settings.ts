// QA settings (recording link template, default target) and the teams that decide whose
// results a supervisor sees.
import type { QaTeamMember, QualityApi } from '../contract.ts';
import { checkRecordingTemplate } from '../core/calls.ts';
import * as store from '../store/qa-store.ts';
import { invalid, isInt, isObj, ok, USERNAME, type QualityContext } from './context.ts';

export type SettingsPart = Pick<QualityApi, 'settings' | 'saveSettings' | 'teams' | 'saveTeams'>;

export function settingsPart(c: QualityContext): SettingsPart {
  const { ch, log } = c;
  return {
    settings: c.settings,

    async saveSettings(input, by) {
      if (!isObj(input)) return invalid('settings must be an object');
      const next = { ...(await c.settings()) };
      const values: Record<string, string> = {};
      if (input['recording_url_template'] !== undefined) {
        const t = input['recording_url_template'];
        if (typeof t !== 'string') return invalid('recording_url_template must be text');
        const checked = checkRecordingTemplate(t.trim());
        if (!checked.ok) return invalid(checked.reason);
        next.recording_url_template = t.trim();
        values['recording_url_template'] = next.recording_url_template;
      }
      if (input['target_per_agent'] !== undefined) {
        if (!isInt(input['target_per_agent'], 1, 1000)) return invalid('target_per_agent must be a whole number from 1 to 1000');
        next.target_per_agent = input['target_per_agent'];
        values['target_per_agent'] = String(next.target_per_agent);
      }
      await store.writeSettings(ch, values, by.username, c.now());
      return ok(next);
    },

    teams: () => store.teamMembers(ch),

    async saveTeams(input, by) {
      if (!Array.isArray(input)) return invalid('teams must be a list of { agent, team, supervisor }');
      const members: QaTeamMember[] = [];
      const seen = new Set<string>();
      for (const [i, m] of input.entries()) {
        if (!isObj(m) || typeof m['agent'] !== 'string' || typeof m['team'] !== 'string' || typeof m['supervisor'] !== 'string') {
          return invalid(`teams[${i}] must be { agent, team, supervisor } with text values`);
        }
        const agent = m['agent'].trim();
        if (agent === '' || agent.length > 200) return invalid(`teams[${i}].agent must not be empty`);
        if (seen.has(agent)) return invalid(`agent ${agent} is listed twice`);
        seen.add(agent);
        const supervisor = m['supervisor'].trim();
        if (supervisor !== '' && !USERNAME.test(supervisor)) return invalid(`teams[${i}].supervisor is not a username`);
        members.push({ agent, team: m['team'].trim().slice(0, 200), supervisor });
      }
      const removed = (await store.teamMembers(ch)).map((m) => m.agent).filter((a) => !seen.has(a));
      await store.saveTeamMembers(ch, members, removed, c.now());
      log.info({ by: by.username, members: members.length, removed: removed.length }, 'quality teams saved');
      return ok(await store.teamMembers(ch));
    },
  };
}
