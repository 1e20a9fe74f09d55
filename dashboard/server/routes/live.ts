// GET /ws/live: the live feed. Authentication and the Origin check happen in the access hook,
// before the handshake; by the time this handler runs the viewer is known. `?site=ID` subscribes
// the socket to one site (checked against what the viewer may see; see live/hub.ts).
import type { App, AppContext } from '../context.ts';
import { UpgradeRequiredError } from '../errors.ts';

export function liveRoutes(app: App, ctx: AppContext): void {
  app.route({
    method: 'GET',
    url: '/ws/live',
    config: { access: 'live' },
    // A plain GET (no Upgrade header) gets a typed answer instead of an empty 404.
    handler: async () => {
      throw new UpgradeRequiredError();
    },
    wsHandler: (socket, req) => {
      const viewer = req.viewer;
      if (!viewer) {
        // Unreachable: the access hook refuses the upgrade without a viewer. Fail closed anyway.
        socket.close(1008, 'unauthenticated');
        return;
      }
      const site = (req.query as Record<string, unknown>)['site'];
      ctx.hub.add(socket, viewer, typeof site === 'string' && site !== '' ? site : null);
    },
  });
}
