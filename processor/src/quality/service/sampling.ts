// Monthly samples: a reproducible draw (seeded) of calls per agent, and each agent's progress.
import type { QaSample, QualityApi } from '../contract.ts';
import { monthRange } from '../core/calls.ts';
import { drawSample } from '../core/sampling.ts';
import * as store from '../store/qa-store.ts';
import { invalid, isInt, ok, sees, type AgentFilter, type QualityContext } from './context.ts';

export type SamplingPart = Pick<QualityApi, 'drawSample' | 'sample'>;

export function samplingPart(c: QualityContext): SamplingPart {
  const { ch, tz } = c;

  /** The sample as `agents` may see it, with each agent's monitoring evaluations done this month. */
  async function withProgress(s: QaSample, agents: AgentFilter): Promise<QaSample> {
    const range = monthRange(s.month, tz);
    const done = new Map<string, number>();
    if (range) {
      for (const e of await store.latestEvaluations(ch, { ...range, kind: 'monitoring' })) done.set(e.agent, (done.get(e.agent) ?? 0) + 1);
    }
    return {
      ...s,
      calls: s.calls.filter((x) => sees(agents, x.agent)),
      agents: s.agents.filter((a) => sees(agents, a.agent)).map((a) => ({ ...a, done: done.get(a.agent) ?? 0 })),
    };
  }

  return {
    async drawSample(input, by) {
      const range = monthRange(input.month, tz);
      if (!range) return invalid('month must be YYYY-MM');
      if (input.seed !== undefined && !isInt(input.seed, 0, 2 ** 32 - 1)) return invalid('seed must be a whole number from 0 to 4294967295');
      if (input.target_per_agent !== undefined && !isInt(input.target_per_agent, 1, 1000)) return invalid('target_per_agent must be a whole number from 1 to 1000');
      const targets: Record<string, number> = {};
      for (const [agent, t] of Object.entries(input.targets ?? {})) {
        if (!isInt(t, 0, 1000)) return invalid(`the target of ${agent} must be a whole number from 0 to 1000`);
        targets[agent] = t;
      }
      const target = input.target_per_agent ?? (await c.settings()).target_per_agent;
      const seed = input.seed ?? c.randomSeed();
      const calls = await store.answeredCalls(ch, range);
      const drawn = drawSample(calls.map(store.toCandidate), { seed, tz, targetPerAgent: target, targets });
      const previous = await store.latestSample(ch, input.month);
      const sample: QaSample = {
        month: input.month,
        version: (previous?.version ?? 0) + 1,
        seed,
        target_per_agent: target,
        created_by: by.username,
        created_at_ms: c.now(),
        calls: drawn.calls,
        agents: drawn.agents.map((a) => ({ ...a, done: 0 })),
      };
      await store.insertSample(ch, sample, targets);
      c.log.info({ month: sample.month, version: sample.version, seed, calls: sample.calls.length, by: by.username }, 'quality sample drawn');
      return ok(await withProgress(sample, null));
    },

    async sample(month, viewer) {
      if (!monthRange(month, tz)) return invalid('month must be YYYY-MM');
      const s = await store.latestSample(ch, month);
      return ok(s === null ? null : await withProgress(s, await c.visibleAgents(viewer)));
    },
  };
}
