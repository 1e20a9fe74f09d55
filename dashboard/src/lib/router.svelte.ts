// The current hash route as rune state.

import { parseRoute, routeHash, type Route } from './route.ts';

export class Router {
  route: Route = $state.raw(parseRoute(globalThis.location?.hash ?? ''));

  constructor() {
    globalThis.addEventListener?.('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }

  go(route: Route): void {
    location.hash = routeHash(route);
  }

  /** Change the route without a history entry (redirects such as "not logged in -> login"). */
  replace(route: Route): void {
    history.replaceState(history.state, '', routeHash(route));
    this.route = route;
  }
}

export const router = new Router();
