import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** manifest.yml must be a Slack app manifest that gives AALS what its code uses. */
const manifest = parse(readFileSync(join(import.meta.dirname, '..', '..', 'manifest.yml'), 'utf8'));

describe('manifest.yml', () => {
  test('has the required top-level sections and a bot user', () => {
    expect(manifest.display_information.name).toBe('AALS');
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user.display_name).toBe('aals');
  });

  test('runs in Socket Mode and declares /aals', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toContain('/aals');
  });

  test('subscribes to the events the listeners handle', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['message.channels', 'message.groups', 'app_mention']),
    );
  });

  test('asks for the scopes of every Web API method AALS calls', () => {
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    // chat.postMessage/update, conversations.history/replies (channels + private), conversations.list,
    // /aals, app_mention, files.uploadV2, users.info.
    for (const scope of [
      'chat:write',
      'channels:history',
      'groups:history',
      'channels:read',
      'groups:read',
      'commands',
      'app_mentions:read',
      'files:write',
      'users:read',
      'usergroups:read',
    ]) {
      expect(scopes).toContain(scope);
    }
  });

  test('documents the HTTP-mode request URL', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'manifest.yml'), 'utf8');
    expect(text).toMatch(/request_url: https:\/\/[^\s]+\/slack\/events/);
    expect(text).toMatch(/url: https:\/\/[^\s]+\/slack\/events/);
  });
});
