/**
 * Every event handler's `context.log` names the delivery, the event and the repository.
 * Probot's own child logger carries only the delivery id (`id`, GitHub's X-GitHub-Delivery);
 * this adds `event` (`pull_request.opened`) and `repository` (`owner/name`) before the
 * handler runs, and gives the event's GitHub client the same logger, so every line a handler
 * or its GitHub requests log can be traced to one delivery of one repository.
 */
import type { Context, Probot } from 'probot';

type Handler = (context: Context) => unknown;

/** The same Probot, with `on` adding the bindings; everything else is passed through. */
export function withEventLog(app: Probot): Probot {
  const on = (name: unknown, handler: Handler): void => {
    (app.on as (name: unknown, handler: Handler) => void)(name, (context: Context) => {
      context.log = context.log.child(eventBindings(context));
      // Probot logs each GitHub request (debug) through the client's own logger: the same bindings.
      (context.octokit as { log: unknown }).log = context.log;
      return handler(context);
    });
  };
  return new Proxy(app, {
    get(target, prop) {
      if (prop === 'on') return on;
      // Probot keeps its state in private fields: methods and getters must see the real object.
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function eventBindings(context: Pick<Context, 'name' | 'payload'>): { event: string; repository?: string } {
  const payload = context.payload as { action?: unknown; repository?: { full_name?: unknown } };
  const action = typeof payload.action === 'string' ? `.${payload.action}` : '';
  const repository = payload.repository?.full_name;
  return { event: `${context.name}${action}`, ...(typeof repository === 'string' ? { repository } : {}) };
}
