/**
 * Most JetStream messages the processor stores in one commit by default (TABLERO_COMMIT_MESSAGES):
 * only a backlog fills a commit, a quiet stream's commits stay one message. Its own module so that
 * the configuration reads it without loading the processor (issue 18 "Start").
 */
export const DEFAULT_COMMIT_MESSAGES = 64;
