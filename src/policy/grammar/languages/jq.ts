/**
 * A jq filter is read-only unless it reads the environment (`env`, `$ENV`) or loads modules
 * (`import`, `include`) from the file system; jq cannot write files or run programs. Matching the words
 * anywhere, strings included, errs on the safe side (`"\(env)"` interpolates inside a string).
 */
const FORBIDDEN =
  /\b(env|ENV|import|include|modulemeta|get_search_list|get_prog_origin|get_jq_origin|input_filename|\$__prog_args)\b/;

export function checkJq(filter: string): boolean {
  return filter.length <= 4096 && !filter.includes('\0') && !FORBIDDEN.test(filter);
}
