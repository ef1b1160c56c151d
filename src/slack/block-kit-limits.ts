/**
 * Slack's Block Kit limits (https://api.slack.com/reference/block-kit). Both the emulator, which
 * rejects what Slack would reject, and AALS's message builders, which must never exceed them, use
 * these numbers.
 */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  messageText: 40000,
} as const;

interface TextObject {
  type?: string;
  text?: string;
}

/** The first Block Kit violation in a message's blocks, as Slack would describe it, or null. */
export function blockKitViolation(blocks: unknown): string | null {
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > BLOCK_KIT_LIMITS.blocksPerMessage) {
    return `no more than ${BLOCK_KIT_LIMITS.blocksPerMessage} items allowed [json-pointer:/blocks]`;
  }
  for (const [index, block] of blocks.entries()) {
    const problem = blockViolation(block as Record<string, unknown>);
    if (problem) return `${problem} [json-pointer:/blocks/${index}]`;
  }
  return null;
}

function textLength(text: unknown): number {
  return typeof text === 'object' && text !== null ? ((text as TextObject).text ?? '').length : 0;
}

function blockViolation(block: Record<string, unknown>): string | null {
  if (!block || typeof block !== 'object' || typeof block.type !== 'string')
    return 'a block must have a type';
  if (typeof block.block_id === 'string' && block.block_id.length > BLOCK_KIT_LIMITS.blockId) {
    return 'block_id too long';
  }
  switch (block.type) {
    case 'section': {
      if (textLength(block.text) > BLOCK_KIT_LIMITS.sectionText) {
        return `section text must be less than ${BLOCK_KIT_LIMITS.sectionText + 1} characters`;
      }
      const fields = (block.fields as unknown[] | undefined) ?? [];
      if (fields.length > BLOCK_KIT_LIMITS.sectionFields)
        return 'section fields: no more than 10 items allowed';
      if (fields.some((f) => textLength(f) > BLOCK_KIT_LIMITS.fieldText))
        return 'section field text too long';
      if (!block.text && fields.length === 0) return 'section needs text or fields';
      return null;
    }
    case 'header':
      return textLength(block.text) > BLOCK_KIT_LIMITS.headerText
        ? 'header text must be 150 characters or fewer'
        : null;
    case 'context': {
      const elements = (block.elements as unknown[] | undefined) ?? [];
      return elements.length > BLOCK_KIT_LIMITS.contextElements
        ? 'context: no more than 10 elements allowed'
        : null;
    }
    case 'actions': {
      const elements = (block.elements as Array<Record<string, unknown>> | undefined) ?? [];
      if (elements.length > BLOCK_KIT_LIMITS.actionsElements)
        return 'actions: no more than 25 elements allowed';
      for (const element of elements) {
        if (typeof element.value === 'string' && element.value.length > BLOCK_KIT_LIMITS.buttonValue) {
          return 'button value must be 2000 characters or fewer';
        }
        if (textLength(element.text) > BLOCK_KIT_LIMITS.buttonText)
          return 'button text must be 75 characters or fewer';
        if (typeof element.action_id === 'string' && element.action_id.length > BLOCK_KIT_LIMITS.actionId) {
          return 'action_id too long';
        }
      }
      return null;
    }
    default:
      return null;
  }
}

/**
 * Keeps a message within the 50-block limit: the first blocks stay (they carry the alert and the
 * diagnosis), the rest are replaced by one context line saying how much was left out and where.
 */
export function fitBlocks(
  blocks: Array<Record<string, unknown>>,
  where = 'ask `/aals status` or open the App Home for the rest',
): Array<Record<string, unknown>> {
  const max = BLOCK_KIT_LIMITS.blocksPerMessage;
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  const cut = blocks.length - kept.length;
  return [
    ...kept,
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…${cut} more blocks left out to fit Slack's limit; ${where}.` }],
    },
  ];
}
