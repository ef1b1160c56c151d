import { FAMILIES } from './families/index.js';
import { spellings, type ToolGrammar } from './spec.js';

/** Program name → grammar: the built-in families plus the operator's `policy.readOnlyCommands`. */
export class GrammarRegistry {
  private readonly byName = new Map<string, ToolGrammar>();

  constructor(grammars: readonly ToolGrammar[]) {
    for (const grammar of grammars) {
      for (const name of spellings(grammar.program)) {
        if (this.byName.has(name)) throw new Error(`the read-only grammar declares ${name} twice`);
        this.byName.set(name, grammar);
      }
    }
  }

  lookup(name: string): ToolGrammar | undefined {
    return this.byName.get(name);
  }

  programs(): string[] {
    return [...this.byName.keys()].sort();
  }
}

export const BUILT_IN_GRAMMARS: readonly ToolGrammar[] = FAMILIES.flat();

let builtIn: GrammarRegistry | undefined;
/** One registry per loaded `policy.readOnlyCommands` list, not one per assessed command. */
const extended = new WeakMap<readonly ToolGrammar[], GrammarRegistry>();

/** The registry for a policy: built-ins alone are shared; extensions get their own, built once. */
export function grammarRegistry(extra: readonly ToolGrammar[] = []): GrammarRegistry {
  if (extra.length === 0) {
    builtIn ??= new GrammarRegistry(BUILT_IN_GRAMMARS);
    return builtIn;
  }
  let registry = extended.get(extra);
  if (!registry) {
    registry = new GrammarRegistry([...BUILT_IN_GRAMMARS, ...extra]);
    extended.set(extra, registry);
  }
  return registry;
}
