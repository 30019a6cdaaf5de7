import { startApp } from '../support/app';
import { hasRedisServer, startRedisServer } from '../support/processes';

(hasRedisServer ? describe : describe.skip)('readiness when Redis goes away', () => {
  it('answers 503 naming Redis as down while the database stays ok', async () => {
    const redis = await startRedisServer();
    const app = await startApp({ REDIS_URL: redis.url });
    try {
      const before = await fetch(`${app.url}/ready`);
      expect(before.status).toBe(200);
      expect(await before.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });

      await redis.stop();
      const after = await fetch(`${app.url}/ready`);
      expect(after.status).toBe(503);
      expect(await after.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'down' } });

      const health = await fetch(`${app.url}/health`);
      expect(health.status).toBe(200);
    } finally {
      await app.close();
      await redis.stop();
    }
  });
});
