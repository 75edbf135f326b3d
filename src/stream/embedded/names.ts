import { createHash } from 'node:crypto';

// Kafka's own rule for topic names; the embedded bus rejects what Kafka would, so a topic that
// works locally also works in production. Every allowed name is also a safe directory name.
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function assertTopicName(topic: string): void {
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new Error(`invalid topic name ${JSON.stringify(topic)}: use 1-249 characters of [A-Za-z0-9._-], not "." or ".."`);
  }
}

/**
 * A file name for a consumer group id. Kafka allows any string as a group id, so unsafe bytes
 * (and ".", to rule out "." and "..") are %-escaped; very long ids keep a readable prefix and a
 * hash so the name stays under file system limits and distinct ids never share a file.
 */
export function groupFileStem(group: string): string {
  if (group.length === 0) throw new Error('consumer group id must not be empty');
  let escaped = '';
  for (const byte of Buffer.from(group, 'utf8')) {
    const char = String.fromCharCode(byte);
    escaped += /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  if (escaped.length <= 120) return escaped;
  return `${escaped.slice(0, 80)}~${createHash('sha256').update(group).digest('hex').slice(0, 32)}`;
}
