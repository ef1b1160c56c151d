import type { ToolGrammar } from '../spec.js';

/**
 * Files and text: reading files, filtering output, listing and describing the file system.
 *
 * - Content readers take `path` operands (credential files are never auto); listing and metadata
 *   tools take `meta-path`; tools that read a directory tree (grep -r, diff) take `tree`.
 * - Options that write files are never declared: sort -o/-T, uniq's and xxd's second (output)
 *   operand, tree -o, gzip without -c, sed -i/-w, awk -o/-p/-d, find -fprint/-delete, date -s, tee.
 * - Options that load files the tool interprets (pattern, script, exclude and name lists, magic
 *   files, gitignore/info files) are not declared either: grep -f, sed -f, awk -f, sort --files0-from,
 *   du -X, file -m/-f, jq -f/-L/--slurpfile/--rawfile.
 * - Interactive viewers with shell escapes (less, more, vi) and endless producers (yes) are absent.
 *
 * Every option's arity was checked against the GNU tool's --help and getopt table (coreutils 9.1,
 * grep 3.8, sed 4.9, gawk 5.2, gzip 1.12, tar 1.34, findutils 4.9, diffutils 3.8, jq 1.6, file 5.44)
 * or, for tools with hand-written parsers (tree, xxd, jq, zgrep), against their source.
 */

/** NUM with coreutils' multiplier suffixes (head/tail -n, -c): `20`, `-5`, `+100`, `1K`, `2MiB`. */
const COUNT = /^[+-]?\d{1,18}(b|[KMGTPEZY](iB|B)?|kB)?$/;
/** du/df/ls --block-size: `1K`, `M`, `MB`, `1`, `human-readable`, `si`. */
const BLOCK_SIZE = /^('?\d{1,15})?([KMGTPEZY](iB|B)?|kB)?$|^(human-readable|si)$/;
const COLOR_WHEN = /^(always|yes|force|never|no|none|auto|tty|if-tty)$/;

export const FILES: readonly ToolGrammar[] = [
  // ── Reading files ────────────────────────────────────────────────────────────────────────────
  {
    program: 'cat',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-A --show-all -b --number-nonblank -e -E --show-ends -n --number -s --squeeze-blank': 'flag',
      '-t -T --show-tabs -u -v --show-nonprinting': 'flag',
    },
    operands: ['path*'],
  },
  {
    program: 'tac',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-b --before -r --regex': 'flag', '-s --separator': 'text' },
    operands: ['path*'],
  },
  {
    program: 'head',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-n --lines -c --bytes': 'count',
      // `head -20`: the obsolete line count.
      '-#': 'flag',
      '-q --quiet --silent -v --verbose -z --zero-terminated': 'flag',
    },
    types: { count: COUNT },
    operands: ['path*'],
  },
  {
    program: 'tail',
    syntax: 'gnu',
    stdin: 'data',
    // -f runs until the executor's timeout stops it: bounded, and it reads only.
    options: {
      '-n --lines -c --bytes': 'count',
      '-#': 'flag',
      '-f -F --retry -q --quiet --silent -v --verbose -z --zero-terminated': 'flag',
      '--follow': '[follow-mode]',
      '-s --sleep-interval': 'number',
      '--pid': 'pid',
      '--max-unchanged-stats': 'uint',
    },
    types: { count: COUNT, 'follow-mode': /^(name|descriptor)$/ },
    operands: ['path*'],
  },
  {
    // zcat is `exec gzip -cd "$@"`: gzip's options, always to standard output. Not declared: -r
    // (recursion), -S (suffix), and the compression options.
    program: 'zcat',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-c --stdout --to-stdout -d --decompress --uncompress -f --force -k --keep': 'flag',
      '-l --list -n --no-name -N --name -q --quiet -t --test -v --verbose': 'flag',
    },
    operands: ['path*'],
  },
  {
    // gzip and gunzip replace their input files unless told to write to standard output: only -c
    // (or -l/-t, which set it themselves in gzip.c) makes them read-only.
    program: 'gzip gunzip',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-c --stdout --to-stdout -d --decompress --uncompress -f --force -k --keep': 'flag',
      '-l --list -n --no-name -N --name -q --quiet -t --test -v --verbose': 'flag',
    },
    requires: ['-c --stdout --to-stdout -l --list -t --test'],
    operands: ['path*'],
  },
  {
    // bzip2's own parser: clustered flags, exact long names. -t is refused by bzcat itself.
    program: 'bzcat',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-q --quiet -v --verbose -s --small': 'flag' },
    operands: ['path*'],
  },
  {
    // xzcat is xz --decompress --stdout. Not declared: -T/-M (threads and memory), --files.
    program: 'xzcat',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-q --quiet -v --verbose -k --keep -f --force -l --list --single-stream --ignore-check': 'flag',
    },
    operands: ['path*'],
  },
  {
    // zstdcat is zstd -dcf. Not declared: -o (writes), --rm (deletes the input).
    program: 'zstdcat',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-q --quiet -v --verbose': 'flag' },
    operands: ['path*'],
  },

  // ── Searching ────────────────────────────────────────────────────────────────────────────────
  {
    // egrep and fgrep are `exec grep -E|-F "$@"`. Not declared: -f/--file and --exclude-from (read
    // patterns from a file), -R (follows every symlink out of the tree), -d recurse, -D.
    program: 'grep egrep fgrep',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-e --regexp': 'pattern',
      '-E --extended-regexp -F --fixed-strings -G --basic-regexp -P --perl-regexp': 'flag',
      '-i --ignore-case --no-ignore-case -y -v --invert-match -w --word-regexp -x --line-regexp': 'flag',
      '-c --count -l --files-with-matches -L --files-without-match -o --only-matching': 'flag',
      '-q --quiet --silent -s --no-messages -n --line-number -h --no-filename -H --with-filename': 'flag',
      '-b --byte-offset -a --text -I -z --null-data -Z --null -T --initial-tab -U --binary': 'flag',
      '--line-buffered --no-group-separator -r --recursive': 'flag',
      '-m --max-count -A --after-context -B --before-context -C --context': 'uint',
      // `grep -3`: context lines.
      '-#': 'flag',
      '--color --colour': '[color-when]',
      '--binary-files': ['binary', 'text', 'without-match'],
      '-d --directories': ['read', 'skip'],
      '--label --group-separator': 'text',
      '--include --exclude --exclude-dir': 'text',
    },
    types: { 'color-when': COLOR_WHEN },
    operands: ['pattern', 'path*'],
    // The first key that was given wins, so the order matters. With -e the pattern is not an
    // operand. The files are then read as trees and at least one is required: grep -r with no file
    // searches the working directory (the identity's HOME, where kubectl and psql find their
    // credentials), and a key cannot say "-r and -e" apart from "-e alone". So `… | grep -e x`
    // (standard input) waits for a human; grep -E 'a|b' does not.
    operandsWith: {
      // Names, counts or an exit status only: nothing of the files' content is printed.
      '-l --files-with-matches -L --files-without-match -c --count -q --quiet --silent': [
        'pattern?',
        'meta-path+',
      ],
      '-e --regexp': ['tree+'],
      '-r --recursive': ['pattern', 'tree+'],
    },
  },
  {
    // zgrep is a shell script (gzip) that parses options itself before running grep on each
    // decompressed file: it refuses -r/-R/-d/-z/-Z/--include/--exclude*, takes the values of
    // -A/-B/-C/-D/-X/-d/-e/-f/-m and of --regexp/--max-count/--label/--binary-files from the next
    // word, and passes any other long option through without its value (so --context 3 would make
    // 3 a file name): only the short context options are declared.
    program: 'zgrep zegrep zfgrep',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-e --regexp': 'pattern',
      '-E --extended-regexp -F --fixed-strings -G --basic-regexp -P --perl-regexp': 'flag',
      '-i --ignore-case -v --invert-match -w --word-regexp -x --line-regexp': 'flag',
      '-c --count -l --files-with-matches -L --files-without-match -o --only-matching': 'flag',
      '-q --quiet --silent -s --no-messages -n --line-number -h --no-filename -H --with-filename': 'flag',
      '-b --byte-offset -a --text -I -T --initial-tab': 'flag',
      '-m --max-count -A -B -C': 'uint',
      '-#': 'flag',
      '--label': 'text',
    },
    operands: ['pattern', 'path*'],
    operandsWith: { '-e --regexp': ['path*'] },
  },

  // ── Text filters ─────────────────────────────────────────────────────────────────────────────
  {
    // Not declared: --files0-from (reads the list of files from a file).
    program: 'wc',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-c --bytes -m --chars -l --lines -L --max-line-length -w --words': 'flag' },
    operands: ['path*'],
  },
  {
    // Not declared: -o/--output (writes a file), -T/--temporary-directory (creates files there),
    // --compress-program (runs a program), --files0-from and --random-source (read other files),
    // -y (Solaris compatibility), -S/--buffer-size and --parallel (`-S 100%` takes the host's memory
    // from the services running on it).
    program: 'sort',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --ignore-leading-blanks -d --dictionary-order -f --ignore-case -g --general-numeric-sort': 'flag',
      '-i --ignore-nonprinting -M --month-sort -h --human-numeric-sort -n --numeric-sort': 'flag',
      '-R --random-sort -r --reverse -V --version-sort -c -C -m --merge -s --stable -u --unique': 'flag',
      '-z --zero-terminated --debug': 'flag',
      '--check': '[check-mode]',
      '--sort': ['general-numeric', 'human-numeric', 'month', 'numeric', 'random', 'version'],
      '-k --key': 'sort-key',
      '-t --field-separator': 'text',
    },
    types: {
      'check-mode': /^(diagnose-first|quiet|silent)$/,
      'sort-key': /^\d{1,9}(\.\d{1,9})?[bdfgiMhnRrV]*(,\d{1,9}(\.\d{1,9})?[bdfgiMhnRrV]*)?$/,
    },
    operands: ['path*'],
  },
  {
    // uniq [INPUT [OUTPUT]]: a second operand is a file uniq writes, so one operand at most.
    program: 'uniq',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-c --count -d --repeated -D -i --ignore-case -u --unique -z --zero-terminated': 'flag',
      '--all-repeated': '[all-repeated]',
      '--group': '[group-method]',
      '-f --skip-fields -s --skip-chars -w --check-chars': 'uint',
    },
    types: {
      'all-repeated': /^(none|prepend|separate)$/,
      'group-method': /^(prepend|append|separate|both)$/,
    },
    operands: ['path?'],
  },
  {
    program: 'cut',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --bytes -c --characters -f --fields': 'cut-list',
      '-d --delimiter --output-delimiter': 'text',
      '-n -s --only-delimited -z --zero-terminated --complement': 'flag',
    },
    types: { 'cut-list': /^(\d{1,9}(-\d{0,9})?|-\d{1,9})(,(\d{1,9}(-\d{0,9})?|-\d{1,9}))*$/ },
    operands: ['path*'],
  },
  {
    // tr parses with "+": options stop at the first set. It reads standard input only.
    program: 'tr',
    syntax: 'posix',
    stdin: 'data',
    options: { '-c -C --complement -d --delete -s --squeeze-repeats -t --truncate-set1': 'flag' },
    operands: ['text', 'text?'],
  },
  {
    // util-linux column. Not declared: -n, which takes a table name in util-linux but is a flag in
    // the BSD column older Debian and Ubuntu ship; the tree options.
    program: 'column',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-t --table -x --fillrows -e --table-header-repeat -d --table-noheadings -J --json': 'flag',
      '-L --keep-empty-lines': 'flag',
      '-s --separator -o --output-separator': 'text',
      '-N --table-columns -O --table-order -R --table-right -H --table-hide': 'text',
      '-T --table-truncate -W --table-wrap -E --table-noextreme': 'text',
      '-c --output-width -l --table-columns-limit': 'uint',
    },
    operands: ['path*'],
  },
  {
    program: 'nl',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --body-numbering -h --header-numbering -f --footer-numbering': 'nl-style',
      '-d --section-delimiter -s --number-separator': 'text',
      '-i --line-increment -l --join-blank-lines -w --number-width': 'uint',
      '-v --starting-line-number': 'int',
      '-n --number-format': ['ln', 'rn', 'rz'],
      '-p --no-renumber': 'flag',
    },
    types: { 'nl-style': /^(a|t|n|p[^\0]*)$/ },
    operands: ['path*'],
  },
  {
    // util-linux rev.
    program: 'rev',
    syntax: 'gnu',
    stdin: 'data',
    operands: ['path*'],
  },
  {
    program: 'paste',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-d --delimiters': 'text', '-s --serial -z --zero-terminated': 'flag' },
    operands: ['path*'],
  },
  {
    program: 'join',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-a -v': ['1', '2'],
      '-e -o -t': 'text',
      '-j -1 -2': 'uint',
      '-i --ignore-case --check-order --nocheck-order --header -z --zero-terminated': 'flag',
    },
    operands: ['path', 'path'],
  },
  {
    program: 'comm',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-1 -2 -3 --check-order --nocheck-order --total -z --zero-terminated': 'flag',
      '--output-delimiter': 'text',
    },
    operands: ['path', 'path'],
  },
  {
    program: 'fold',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-b --bytes -s --spaces': 'flag', '-w --width': 'uint' },
    operands: ['path*'],
  },
  {
    program: 'fmt',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-c --crown-margin -s --split-only -t --tagged-paragraph -u --uniform-spacing': 'flag',
      '-w --width -g --goal': 'uint',
      '-p --prefix': 'text',
    },
    operands: ['path*'],
  },
  {
    program: 'expand unexpand',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-i --initial -a --all --first-only': 'flag', '-t --tabs': 'tab-list' },
    types: { 'tab-list': /^[/+]?\d{1,4}([, ][/+]?\d{1,4})*$/ },
    operands: ['path*'],
  },
  {
    program: 'numfmt',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '--from': ['none', 'auto', 'si', 'iec', 'iec-i'],
      '--to': ['none', 'si', 'iec', 'iec-i'],
      '--round': ['up', 'down', 'from-zero', 'towards-zero', 'nearest'],
      '--invalid': ['abort', 'fail', 'warn', 'ignore'],
      '--from-unit --to-unit': 'uint',
      '--field': 'cut-list',
      '--padding': 'int',
      '--header': '[uint]',
      '-d --delimiter --suffix --format': 'text',
      '--grouping -z --zero-terminated --debug': 'flag',
    },
    types: { 'cut-list': /^(\d{1,9}(-\d{0,9})?|-\d{1,9})(,(\d{1,9}(-\d{0,9})?|-\d{1,9}))*$/ },
    operands: ['number*'],
  },
  {
    // diff prints the content of the files it compares, and of the files inside two directories
    // it is given (one level without -r, the whole tree with it), so its operands are trees; with
    // -q it prints only which files differ. Not declared: -N/--new-file and
    // --unidirectional-new-file (print whole files that exist on one side), -X (reads a pattern
    // file), -l (runs pr), --from-file/--to-file.
    program: 'diff',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-q --brief -s --report-identical-files -c -u -e --ed -n --rcs -y --side-by-side --normal': 'flag',
      '--left-column --suppress-common-lines -p --show-c-function -t --expand-tabs': 'flag',
      '-T --initial-tab --suppress-blank-empty -r --recursive --no-dereference': 'flag',
      '--ignore-file-name-case --no-ignore-file-name-case -i --ignore-case': 'flag',
      '-E --ignore-tab-expansion -Z --ignore-trailing-space -b --ignore-space-change': 'flag',
      '-w --ignore-all-space -B --ignore-blank-lines -a --text --strip-trailing-cr': 'flag',
      '-d --minimal --speed-large-files': 'flag',
      '-C -U -W --width --tabsize --horizon-lines': 'uint',
      '--context --unified': '[uint]',
      '-F --show-function-line -I --ignore-matching-lines -L --label -x --exclude': 'text',
      '--color': '[color-when]',
    },
    types: { 'color-when': /^(never|always|auto)$/ },
    operands: ['tree', 'tree'],
    operandsWith: { '-q --brief': ['meta-path', 'meta-path'] },
  },
  {
    // cmp FILE1 [FILE2 [SKIP1 [SKIP2]]].
    program: 'cmp',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --print-bytes -l --verbose -s --quiet --silent': 'flag',
      '-i --ignore-initial': 'cmp-skip',
      '-n --bytes': 'byte-count',
    },
    types: {
      'cmp-skip': /^\d{1,18}([kKMGTPEZY](iB|B)?)?(:\d{1,18}([kKMGTPEZY](iB|B)?)?)?$/,
      'byte-count': /^\d{1,18}([kKMGTPEZY](iB|B)?)?$/,
    },
    operands: ['path', 'path?', 'uint?', 'uint?'],
  },

  // ── Small languages ──────────────────────────────────────────────────────────────────────────
  {
    // POSIX awk, mawk (Debian's awk), busybox: options stop at the program text. Only -F and -v are
    // common to all; the program is checked by the awk type (no system, getline, pipes, ENVIRON or
    // print into a file). Not declared: -f (program from a file), mawk's -W (its `-W exec`).
    program: 'awk mawk',
    syntax: 'posix',
    stdin: 'data',
    options: { '-F': 'text', '-v': 'awk-assign' },
    types: { 'awk-assign': /^[A-Za-z_][A-Za-z0-9_]*=[^\0]*$/ },
    operands: ['awk', 'path*'],
  },
  {
    // gawk's getopt list starts with "+": options stop at the program text. Not declared: -f/-e/-i/-l
    // (program or extension from elsewhere), -E/--exec, -o/--pretty-print, -p/--profile and
    // -d/--dump-variables (write files), -D/--debug (reads debugger commands), -C (falls through to
    // -d in gawk's switch), -M, -L/--lint, -g, -h, -V.
    program: 'gawk',
    syntax: 'posix',
    stdin: 'data',
    options: {
      '-F --field-separator': 'text',
      '-v --assign': 'awk-assign',
      '-b --characters-as-bytes -c --traditional -P --posix -S --sandbox -n --non-decimal-data': 'flag',
      '-N --use-lc-numeric -r --re-interval -s --no-optimize -O --optimize -t --lint-old': 'flag',
    },
    types: { 'awk-assign': /^[A-Za-z_][A-Za-z0-9_]*=[^\0]*$/ },
    operands: ['awk', 'path*'],
  },
  {
    // GNU sed. The script (first operand, or each -e) is checked by the sed type (no e, w, r, W, R,
    // s///e or s///w). Not declared: -i/--in-place, -f/--file, --follow-symlinks (only for -i).
    program: 'sed',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-n --quiet --silent -E -r --regexp-extended -s --separate -u --unbuffered': 'flag',
      '-z --null-data --zero-terminated --posix --debug --sandbox': 'flag',
      '-e --expression': 'sed',
      '-l --line-length': 'uint',
    },
    operands: ['sed', 'path*'],
    operandsWith: { '-e --expression': ['path*'] },
  },
  {
    // jq's own parser: clustered short flags, exact long names, --indent takes the next word (never
    // `=`). The filter is checked by the jq type (no env, $ENV, import, include). Not declared:
    // --arg/--argjson (two values each), --slurpfile/--rawfile/--argfile/-f/--from-file/-L (read
    // other files), --args/--jsonargs, --run-tests.
    program: 'jq',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-r --raw-output -j --join-output -a --ascii-output -c --compact-output -C --color-output': 'flag',
      '-M --monochrome-output -S --sort-keys -e --exit-status -s --slurp -n --null-input': 'flag',
      '-R --raw-input --tab --stream --seq --unbuffered': 'flag',
      '--indent': 'uint',
    },
    operands: ['jq', 'path*'],
  },

  // ── Finding and listing files ────────────────────────────────────────────────────────────────
  {
    // find's expression is words: primaries with their values as the next words. Starting points
    // are listed, never read. Not declared: -exec, -execdir, -ok, -okdir, -delete, -fprint,
    // -fprint0, -fprintf, -fls (run commands or write files), -files0-from, -D, -O.
    program: 'find',
    syntax: 'words',
    stdin: 'ignore',
    options: {
      '-H -L -P': 'flag',
      '! -not ( ) -a -and -o -or': 'flag',
      '-print -print0 -ls -prune -quit -true -false -empty -readable -writable -executable': 'flag',
      '-nouser -nogroup -depth -daystart -follow -mount -xdev -noleaf': 'flag',
      '-ignore_readdir_race -noignore_readdir_race -warn -nowarn': 'flag',
      '-name -iname -path -ipath -wholename -iwholename -lname -ilname -regex -iregex': 'text',
      '-printf -context': 'text',
      '-regextype': [
        'findutils-default',
        'ed',
        'emacs',
        'gnu-awk',
        'grep',
        'posix-awk',
        'awk',
        'posix-basic',
        'posix-egrep',
        'egrep',
        'posix-extended',
        'posix-minimal-basic',
        'sed',
      ],
      '-type -xtype': 'find-type',
      '-mtime -mmin -atime -amin -ctime -cmin -used -links -inum -uid -gid': 'int',
      '-size': 'find-size',
      '-perm': 'find-perm',
      '-user -group': 'user',
      '-fstype': 'name',
      '-maxdepth -mindepth': 'uint',
      '-newer -anewer -cnewer -samefile': 'meta-path',
      '-newermt -newerat -newerct -newerBt': 'time',
    },
    types: {
      'find-type': /^[bcdpflsD](,[bcdpflsD])*$/,
      'find-size': /^[+-]?\d{1,18}[bcwkMGTP]?$/,
      'find-perm': /^[-/+]?([0-7]{1,4}|[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*)$/,
    },
    operands: ['meta-path*'],
  },
  {
    program: 'ls',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a --all -A --almost-all --author -b --escape -B --ignore-backups -c -C -d --directory': 'flag',
      '-D --dired -f -F --file-type --full-time -g --group-directories-first -G --no-group': 'flag',
      '-h --human-readable --si -H --dereference-command-line': 'flag',
      '--dereference-command-line-symlink-to-dir -i --inode -k --kibibytes -l -L --dereference': 'flag',
      '-m -n --numeric-uid-gid -N --literal -o -p -q --hide-control-chars --show-control-chars': 'flag',
      '-Q --quote-name -r --reverse -R --recursive -s --size -S -t -u -U -v -x -X -Z --context': 'flag',
      '-1 --zero': 'flag',
      '--classify --color --hyperlink': '[color-when]',
      '--block-size': 'block-size',
      '--format': ['across', 'commas', 'horizontal', 'long', 'single-column', 'verbose', 'vertical'],
      '--indicator-style': ['none', 'slash', 'file-type', 'classify'],
      '--quoting-style': [
        'literal',
        'locale',
        'shell',
        'shell-always',
        'shell-escape',
        'shell-escape-always',
        'c',
        'escape',
      ],
      '--sort': ['none', 'size', 'time', 'version', 'extension', 'width', 'name'],
      '--time': ['atime', 'access', 'use', 'ctime', 'status', 'birth', 'creation', 'mtime', 'modification'],
      '--time-style': 'time-style',
      '-I --ignore --hide': 'text',
      '-w --width -T --tabsize': 'uint',
    },
    types: {
      'color-when': COLOR_WHEN,
      'block-size': BLOCK_SIZE,
      'time-style': /^((\+|posix-)?(full-iso|long-iso|iso|locale)|\+[^\0]*)$/,
    },
    operands: ['meta-path*'],
  },
  {
    // Formats print metadata only (%n %s %y …), never content.
    program: 'stat',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-L --dereference -f --file-system -t --terse': 'flag',
      '-c --format --printf': 'text',
      '--cached': ['always', 'never', 'default'],
    },
    operands: ['meta-path+'],
  },
  {
    // Not declared: -X/--exclude-from and --files0-from (read lists from files).
    program: 'du',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-0 --null -a --all --apparent-size -b --bytes -c --total -D --dereference-args -H': 'flag',
      '-h --human-readable --inodes -k -L --dereference -l --count-links -m': 'flag',
      '-P --no-dereference -S --separate-dirs --si -s --summarize -x --one-file-system': 'flag',
      '-d --max-depth': 'uint',
      '-B --block-size': 'block-size',
      '-t --threshold': 'threshold',
      '--time': '[du-time]',
      '--time-style': 'time-style',
      '--exclude': 'text',
    },
    types: {
      'block-size': BLOCK_SIZE,
      threshold: /^-?\d{1,15}([KMGTPEZY](iB|B)?|kB)?$/,
      'du-time': /^(atime|access|use|ctime|status)$/,
      'time-style': /^((\+|posix-)?(full-iso|long-iso|iso|locale)|\+[^\0]*)$/,
    },
    operands: ['meta-path*'],
  },
  {
    // Not declared: --sync (flushes every file system before reading the usage).
    program: 'df',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a --all -h --human-readable -H --si -i --inodes -k -l --local --no-sync': 'flag',
      '-P --portability --total -T --print-type -v': 'flag',
      '-B --block-size': 'block-size',
      '-t --type -x --exclude-type': 'name',
      '--output': '[df-fields]',
    },
    types: {
      'block-size': BLOCK_SIZE,
      'df-fields':
        /^(source|fstype|[i]?(total|used|avail)|[i]?pcent|size|file|target)(,(source|fstype|[i]?(total|used|avail)|[i]?pcent|size|file|target))*$/,
    },
    operands: ['meta-path*'],
  },
  {
    // file reads the start of each file to describe it. Not declared: -m/--magic-file and
    // -f/--files-from (read other files), -C/--compile (writes magic.mgc), -p/--preserve-date
    // (sets times), -s (reads block devices), -z/-Z (decompressors), -S (turns the sandbox off), -P.
    program: 'file',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --brief -i --mime --mime-type --mime-encoding --extension --apple -k --keep-going': 'flag',
      '-L --dereference -h --no-dereference -n --no-buffer -N --no-pad -0 --print0 -r --raw': 'flag',
      '-l --list -d --debug': 'flag',
      '-e --exclude --exclude-quiet': [
        'apptype',
        'ascii',
        'cdf',
        'compress',
        'csv',
        'elf',
        'encoding',
        'json',
        'simh',
        'soft',
        'tar',
        'text',
        'tokens',
      ],
      '-F --separator': 'text',
    },
    operands: ['path*'],
  },
  {
    // A checksum is printed, not the content; -c reads a list of sums and reports OK/FAILED.
    program: 'md5sum sha1sum sha224sum sha256sum sha384sum sha512sum',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --binary -c --check --tag -t --text -z --zero --ignore-missing --quiet --status': 'flag',
      '--strict -w --warn': 'flag',
    },
    operands: ['path*'],
  },
  {
    program: 'b2sum',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --binary -c --check --tag -t --text -z --zero --ignore-missing --quiet --status': 'flag',
      '--strict -w --warn': 'flag',
      '-l --length': 'uint',
    },
    operands: ['path*'],
  },
  {
    program: 'cksum',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-c --check --tag --untagged -z --zero --ignore-missing --quiet --status --strict -w --warn': 'flag',
      '--debug --base64 --raw': 'flag',
      '-a --algorithm': [
        'sysv',
        'bsd',
        'crc',
        'crc32b',
        'md5',
        'sha1',
        'sha224',
        'sha256',
        'sha384',
        'sha512',
        'sha2',
        'sha3',
        'blake2b',
        'sm3',
      ],
      '-l --length': 'uint',
    },
    operands: ['path*'],
  },
  {
    program: 'readlink',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-f --canonicalize -e --canonicalize-existing -m --canonicalize-missing -n --no-newline': 'flag',
      '-q --quiet -s --silent -v --verbose -z --zero': 'flag',
    },
    operands: ['meta-path+'],
  },
  {
    program: 'realpath',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-e --canonicalize-existing -m --canonicalize-missing -L --logical -P --physical': 'flag',
      '-q --quiet -s --strip --no-symlinks -z --zero': 'flag',
      '--relative-to --relative-base': 'meta-path',
    },
    operands: ['meta-path+'],
  },
  {
    // Names are text: basename and dirname never touch the file system.
    program: 'basename',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-a --multiple -z --zero': 'flag', '-s --suffix': 'text' },
    operands: ['text+'],
  },
  {
    program: 'dirname',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-z --zero': 'flag' },
    operands: ['text+'],
  },
  {
    // tree's own parser reads each word as a cluster in which -L, -P, -I, -H, -T and -o take the
    // NEXT word even inside a cluster (`-Po x out` is -P x -o out): only -L is declared, with a
    // number type so that no letters can follow it. Not declared: -o (writes its output to a file),
    // -R and -H (write HTML files), -P/-I/-T, --fromfile/--fromtabfile, --info/--infofile,
    // --gitfile, --hintro/--houtro.
    program: 'tree',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a -d -l -f -x -i -q -N -Q -p -u -g -s -h -D -F -v -t -c -U -r -C -n -A -S -J -X': 'flag',
      '--inodes --device --noreport --nolinks --dirsfirst --filesfirst --si --du --prune': 'flag',
      '--ignore-case --matchdirs --metafirst': 'flag',
      '-L': 'uint',
      '--filelimit': 'uint',
      '--sort': ['name', 'version', 'size', 'mtime', 'ctime', 'none'],
      '--charset': 'name',
      '--timefmt': 'text',
    },
    operands: ['meta-path*'],
  },
  {
    // tar lists only: no operation mode but -t is declared, and tar refuses to run without one.
    // The old-style key (`tar tvf x.tar`: the first word, f's value next) is declared for the usual
    // spellings. The archive may not contain `:` (GNU tar would open host:file through rsh). Not
    // declared: -x, -c, -r, -u, -A, --delete, -O, -C, -I/--use-compress-program, -F, --to-command,
    // --checkpoint-action, --rsh-command, --index-file, -g, -T, -X.
    program: 'tar',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-t --list -v --verbose -z --gzip --gunzip --ungzip -j --bzip2 -J --xz --lzma --zstd': 'flag',
      '-a --auto-compress --force-local --wildcards --no-wildcards --anchored --no-anchored': 'flag',
      '--numeric-owner --full-time --utc -R --block-number -i --ignore-zeros': 'flag',
      '-f --file': 'tar-archive',
      '--exclude': 'text',
    },
    types: {
      // No `-…` (an option), no `:` (a remote archive), no device (a tape drive rewinds).
      'tar-archive': /^(-|(?!-)(?!\/+dev\/)(?!.*\/dev\/)[^:\0]+)$/,
    },
    operands: [],
    subcommands: {
      'tf tvf vtf tzf ztf tzvf tvzf ztvf zvtf vtzf vztf tjf jtf tjvf tvjf jtvf tJf Jtf tJvf tvJf Jtvf': {
        operands: ['tar-archive', 'text*'],
      },
    },
  },
  {
    // binutils strings expands `@file` arguments into more arguments (leaking the file through its
    // error messages), so every word it takes is typed without `@`: the files are system binaries
    // and libraries (or standard input). Not declared: -s (text), -T, @file.
    program: 'strings',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-a --all -d --data -f --print-file-name -w --include-all-whitespace': 'flag',
      '-n --bytes': 'uint',
      '-#': 'flag',
      '-t --radix': ['o', 'd', 'x'],
      '-e --encoding': ['s', 'S', 'b', 'l', 'B', 'L'],
    },
    types: {
      'system-binary': /^\/(usr\/(local\/)?)?(s?bin|lib|lib32|lib64|libexec)\/(?!.*(^|\/)\.\.(\/|$))[^\0]+$/,
    },
    operands: ['system-binary*'],
  },
  {
    program: 'od',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-a -b -c -d -f -i -l -o -s -x -B -D -e -F -H -I -L -O -X -h': 'flag',
      '-v --output-duplicates --traditional': 'flag',
      '-A --address-radix': ['d', 'o', 'x', 'n'],
      '--endian': ['big', 'little'],
      '-j --skip-bytes -N --read-bytes -S': 'byte-count',
      '--strings -w --width': '[byte-count]',
      '-t --format': 'od-type',
    },
    types: {
      'byte-count': /^(0[xX][0-9a-fA-F]{1,16}|\d{1,18})(b|[KMGTPEZY](iB|B)?|kB)?$/,
      'od-type': /^[acdfoux0-9CSILFDHBz]{1,32}$/,
    },
    operands: ['path*'],
  },
  {
    // xxd's own parser: options stop at the first operand; each word is ONE option named by its
    // first two characters (`-ps` and `-plain` are -p, `-pc` too); -c/-g/-l/-o/-s take the rest of
    // the word or the next word. So each flag is declared with an optional attached suffix of
    // letters, which the engine then reads as part of that one option, as xxd does: `-pc 16 x`
    // cannot be read as -p -c 16. xxd [infile [outfile]] writes its second operand: one operand at
    // most. Not declared: -r (reverse), -R, -n (`-name` takes the next word), long spellings.
    program: 'xxd',
    syntax: 'posix',
    stdin: 'data',
    options: {
      '-a -b -C -d -e -E -i -p -u': '[xxd-suffix]',
      '-c -g -l': 'xxd-number',
      '-o -s': 'xxd-offset',
    },
    types: {
      'xxd-suffix': /^[A-Za-z]{1,20}$/,
      'xxd-number': /^(0[xX][0-9a-fA-F]{1,16}|\d{1,18})$/,
      'xxd-offset': /^[+-]?(0[xX][0-9a-fA-F]{1,16}|\d{1,18})$/,
    },
    operands: ['path?'],
  },
  {
    // util-linux hexdump. Not declared: -f/--format-file (reads formats from a file).
    program: 'hexdump',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-b --one-byte-octal -c --one-byte-char -C --canonical -d --two-bytes-decimal': 'flag',
      '-o --two-bytes-octal -x --two-bytes-hex -v --no-squeezing': 'flag',
      '-e --format': 'text',
      '-n --length -s --skip': 'byte-count',
      '-L --color': '[color-when]',
    },
    types: {
      'byte-count': /^(0[xX][0-9a-fA-F]{1,16}|\d{1,18})([KMGTPEZY](iB|B)?|kB)?$/,
      'color-when': /^(never|always|auto)$/,
    },
    operands: ['path*'],
  },
  {
    // base64 takes one file at most; decoding only prints.
    program: 'base64',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-d --decode -i --ignore-garbage': 'flag', '-w --wrap': 'uint' },
    operands: ['path?'],
  },

  // ── Printing and small utilities ─────────────────────────────────────────────────────────────
  {
    // date prints only. The operand must be +FORMAT (MMDDhhmm would set the clock). Not declared:
    // -s/--set, -f/--file (reads dates from a file).
    program: 'date',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-d --date': 'date-string',
      '-u --utc --universal -R --rfc-email --rfc-2822 --rfc-822 --debug --resolution': 'flag',
      '-I --iso-8601': '[iso-format]',
      '--rfc-3339': ['date', 'seconds', 'ns'],
      '-r --reference': 'meta-path',
    },
    types: {
      'date-string': /^[A-Za-z0-9 :.,+_/@-]{1,64}$/,
      'iso-format': /^(date|hours|minutes|seconds|ns)$/,
    },
    operands: ['date-format?'],
  },
  {
    // A builtin of the /bin/sh the executor runs (dash: only -n; bash: -n/-e/-E, stopping at the
    // first word that is not one of them).
    program: 'echo',
    syntax: 'posix',
    stdin: 'ignore',
    options: { '-n -e -E': 'flag' },
    operands: ['text*'],
  },
  {
    // A builtin of /bin/sh (and coreutils printf). Not declared: bash's -v, which assigns a shell
    // variable and evaluates an array subscript (`printf -v 'a[$(cmd)]'` runs cmd).
    program: 'printf',
    syntax: 'posix',
    stdin: 'ignore',
    operands: ['text', 'text*'],
  },
  {
    program: 'pwd',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-L -P': 'flag' },
    operands: [],
  },
  { program: 'whoami', syntax: 'gnu', stdin: 'ignore', operands: [] },
  { program: 'true false', syntax: 'gnu', stdin: 'ignore', operands: [] },
  {
    program: 'nproc',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '--all': 'flag', '--ignore': 'uint' },
    operands: [],
  },
  {
    // glibc getconf: `getconf -a`, `getconf NAME [PATH]`. Not declared: -v (specification).
    program: 'getconf',
    syntax: 'posix',
    stdin: 'ignore',
    options: { '-a': 'flag' },
    types: { 'conf-name': /^[A-Z_][A-Z0-9_]{0,63}$/ },
    operands: ['conf-name?', 'meta-path?'],
  },
  {
    // seq's numbers may be negative only after --; a format and separator are data.
    program: 'seq',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-f --format -s --separator': 'text', '-w --equal-width': 'flag' },
    operands: ['number', 'number?', 'number?'],
  },
  {
    // Bounded by the executor's timeout. Not `infinity`.
    program: 'sleep',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { seconds: /^\d{1,6}(\.\d{1,9})?[smhd]?$/ },
    operands: ['seconds+'],
  },
];
