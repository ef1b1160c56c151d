/**
 * Knowledge from an incident write-up, by rules: the root cause, the resolution and the commands
 * that were run. Understands the headings people use in English and Japanese postmortems
 * ("Root cause:", "## Resolution", 「原因」「対応」「復旧」) and commands in code blocks, `$ …`
 * lines and inline code. Pure; an LLM can refine the result later.
 */
export interface Knowledge {
  rootCause?: string;
  resolution?: string;
  commands: string[];
}

const ROOT_CAUSE =
  /^(?:#+\s*|\*\*)?(root[\s_-]?cause|cause|caused by|why|原因|根本原因|発生原因)(?![a-z])\**\s*[:：]?\s*(.*)$/i;
const RESOLUTION =
  /^(?:#+\s*|\*\*)?(resolution|resolved|fix|fixed|remediation|mitigation|workaround|action taken|actions? taken|how we fixed it|対応|対処|復旧|解決|暫定対応|恒久対応)(?![a-z])\**\s*[:：]?\s*(.*)$/i;
const HEADING =
  /^(?:#+\s+\S|\*\*[^*]+\*\*\s*$|[A-Za-z][A-Za-z ]{2,30}:\s*$|[\p{Script=Han}\p{Script=Katakana}]{2,8}[:：]\s*$)/u;

const COMMAND_PREFIX =
  /^(kubectl|helm|systemctl|journalctl|docker|psql|pg_\w+|redis-cli|kafka-[\w-]+|aws|gcloud|az|terraform|ansible|curl|df|du|rm|find|lsof|top|ps|kill|service|iptables|ip|ss|netstat|dig|nslookup|openssl|certbot|git|npm|sudo|vacuumdb|mysql|mongo\w*|nginx|apt|yum|truncate|logrotate|chronyc|ntpdate|echo|cat|tail|grep)\b/;

function section(lines: string[], heading: RegExp): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    const match = heading.exec((lines[i] as string).trim());
    if (!match) continue;
    const inline = (match[2] ?? '').trim();
    const following: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const line = (lines[j] as string).trim();
      if (!line) {
        // A blank line ends the section, unless the heading's text comes on the next lines.
        if (following.length || inline) break;
        continue;
      }
      if (HEADING.test(line) || ROOT_CAUSE.test(line) || RESOLUTION.test(line)) break;
      following.push(line.replace(/^[-*•]\s+/, ''));
    }
    const text = [inline, ...following].filter(Boolean).join(' ').trim();
    if (text) return text.slice(0, 1000);
  }
  return undefined;
}

export function extractCommands(text: string): string[] {
  const commands = new Set<string>();
  for (const block of text.matchAll(/```[^\n]*\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').split('\n')) {
      const command = line.replace(/^\s*[$#>]\s+/, '').trim();
      if (command && COMMAND_PREFIX.test(command)) commands.add(command);
    }
  }
  for (const line of text.split('\n')) {
    const prompt = /^\s*\$\s+(.+)$/.exec(line);
    if (prompt?.[1] && COMMAND_PREFIX.test(prompt[1].trim())) commands.add(prompt[1].trim());
  }
  for (const inline of text.matchAll(/`([^`\n]{3,200})`/g)) {
    const command = (inline[1] as string).trim();
    if (COMMAND_PREFIX.test(command) && /\s/.test(command)) commands.add(command);
  }
  return [...commands].slice(0, 20);
}

export function extractKnowledge(text: string): Knowledge {
  const lines = text.split(/\r?\n/);
  const rootCause = section(lines, ROOT_CAUSE);
  const resolution = section(lines, RESOLUTION);
  return {
    ...(rootCause ? { rootCause } : {}),
    ...(resolution ? { resolution } : {}),
    commands: extractCommands(text),
  };
}
