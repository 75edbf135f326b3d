/** How processing names an API-log record now: its raw file and line, which say nothing about anyone. */
const LOGGED_LINE = /^raw\/api_logs\/\S+:\d+$/;

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT)$/;

/**
 * A merge cause's record id as a caller without `pii:read` sees it. An API-log record processed
 * before processing named records by file and line is named by its endpoint, `service METHOD path`
 * (recordIdSql), and a path may hold a phone number, an email or a test's name: everything after the
 * method is masked, and the whole id when no method can be told apart. Message, order, booking and
 * consultation ids and file:line ids are shown as they are.
 */
export function maskedRecordId(source: string, recordId: string): { recordId: string; masked: boolean } {
  if (source !== 'api_logs' || LOGGED_LINE.test(recordId)) return { recordId, masked: false };
  const words = recordId.split(' ');
  const method = words.findIndex((word) => HTTP_METHOD.test(word));
  const shown = method >= 0 ? words.slice(0, method + 1) : [];
  return { recordId: [...shown, '***'].join(' '), masked: true };
}
