// GET /ws/live: the live feed. Authentication and the Origin check happen in the access hook,
// before the handshake; by the time this handler runs the viewer is known.
import type { App, AppContext } from '../context.ts';

export function liveRoutes(app: App, ctx: AppContext): void {
  app.get('/ws/live', { websocket: true, config: { access: 'live' } }, (socket, req) => {
    const viewer = req.viewer;
    if (!viewer) {
      // Unreachable: the access hook refuses the upgrade without a viewer. Fail closed anyway.
      socket.close(1008, 'unauthenticated');
      return;
    }
    ctx.hub.add(socket, viewer);
  });
}
