import {
  exprFromGeneratorUrl,
  fillTemplate,
  quoteLabelValue,
  selector,
  splitThreshold,
} from '../../src/integrations/prometheus/promql.js';

describe('quoteLabelValue', () => {
  test('a plain value is wrapped in double quotes', () => {
    expect(quoteLabelValue('web-1:9100')).toBe('"web-1:9100"');
    expect(quoteLabelValue('')).toBe('""');
  });

  test('escapes backslash, double quote, newline and carriage return', () => {
    expect(quoteLabelValue('a\\b')).toBe('"a\\\\b"');
    expect(quoteLabelValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteLabelValue('line1\nline2')).toBe('"line1\\nline2"');
    expect(quoteLabelValue('cr\rhere')).toBe('"cr\\rhere"');
  });

  test('a backslash before a quote cannot un-escape the quote', () => {
    // \" in the input must become \\\" so the quote stays escaped.
    expect(quoteLabelValue('x\\"')).toBe('"x\\\\\\""');
  });
});

describe('selector', () => {
  test('quotes each value and keeps the label order', () => {
    expect(selector({ instance: 'web-1:9100', job: 'node' })).toBe('{instance="web-1:9100", job="node"}');
    expect(selector({})).toBe('{}');
  });

  test('drops label names that are not valid PromQL identifiers', () => {
    expect(
      selector({
        'bad-name': 'x',
        '1starts_with_digit': 'x',
        'a} or vector(1) #': 'x',
        _ok: 'y',
        ok2: 'z',
      }),
    ).toBe('{_ok="y", ok2="z"}');
  });

  test('an injection attempt in a value stays inside the string literal', () => {
    const result = selector({ instance: 'web"} or vector(1) #' });
    expect(result).toBe('{instance="web\\"} or vector(1) #"}');
    // Exactly one unescaped quote pair: the one around the value.
    const unescapedQuotes = result.match(/(?<!\\)"/g) ?? [];
    expect(unescapedQuotes).toHaveLength(2);
  });
});

describe('fillTemplate', () => {
  test('fills {{label}} placeholders with quoted values, with or without spaces', () => {
    expect(
      fillTemplate('rate(http_requests_total{service={{service}}, pod={{ pod }}}[5m])', {
        service: 'checkout',
        pod: 'checkout-7d9',
      }),
    ).toBe('rate(http_requests_total{service="checkout", pod="checkout-7d9"}[5m])');
  });

  test('fills the same placeholder everywhere it appears', () => {
    expect(fillTemplate('a{i={{instance}}} / b{i={{instance}}}', { instance: 'n1' })).toBe(
      'a{i="n1"} / b{i="n1"}',
    );
  });

  test('a hostile value cannot change the query structure', () => {
    expect(fillTemplate('up{instance={{instance}}}', { instance: 'x"} or vector(1) #' })).toBe(
      'up{instance="x\\"} or vector(1) #"}',
    );
  });

  test('returns null when a label is missing', () => {
    expect(fillTemplate('up{instance={{instance}}, job={{job}}}', { instance: 'n1' })).toBeNull();
  });

  test('a template without placeholders is returned unchanged', () => {
    expect(fillTemplate('sum(up)', {})).toBe('sum(up)');
  });
});

describe('exprFromGeneratorUrl', () => {
  test('decodes g0.expr, with + as space and %xx escapes', () => {
    expect(
      exprFromGeneratorUrl(
        'http://prometheus:9090/graph?g0.expr=rate%28http_requests_total%7Bcode%3D%225..%22%7D%5B5m%5D%29+%3E+0.5&g0.tab=1',
      ),
    ).toBe('rate(http_requests_total{code="5.."}[5m]) > 0.5');
  });

  test('returns null for a missing or empty parameter, a bad URL, or no URL', () => {
    expect(exprFromGeneratorUrl('http://prometheus:9090/graph?g0.tab=1')).toBeNull();
    expect(exprFromGeneratorUrl('http://prometheus:9090/graph?g0.expr=++')).toBeNull();
    expect(exprFromGeneratorUrl('not a url')).toBeNull();
    expect(exprFromGeneratorUrl('')).toBeNull();
    expect(exprFromGeneratorUrl(undefined)).toBeNull();
  });
});

describe('splitThreshold', () => {
  test.each([
    ['x > 0.5', 'x', 0.5],
    ['rate(a[5m]) >= 1e3', 'rate(a[5m])', 1000],
    ['sum(x) by (y) < 10', 'sum(x) by (y)', 10],
    ['x > bool 2', 'x', 2],
    ['x<=-3', 'x', -3],
    ['up{job="node"} == 0', 'up{job="node"}', 0],
    ['  x != 1.25  ', 'x', 1.25],
  ])('splits %j', (input, expr, threshold) => {
    expect(splitThreshold(input)).toEqual({ expr, threshold });
  });

  test.each([
    ['(x > 1) and y', '(x > 1) and y'],
    ['x > y', 'x > y'],
    ['rate(a[5m])', 'rate(a[5m])'],
    ['  sum(x)  ', 'sum(x)'],
    // Unbalanced brackets on the left: the comparison is not at the top level.
    ['clamp_max(x > 1', 'clamp_max(x > 1'],
    ['x) > 1', 'x) > 1'],
  ])('does not split %j', (input, expr) => {
    expect(splitThreshold(input)).toEqual({ expr, threshold: null });
  });
});

describe('splitThreshold: regressions', () => {
  test.each([['a > 1 or b > 2'], ['x unless y > 3'], ['x and y < 1'], ['a > b > 1']])(
    '%p is not split: the comparison is not the top-level one',
    (expr) => {
      expect(splitThreshold(expr)).toEqual({ expr, threshold: null });
    },
  );

  test('brackets inside string literals do not count, and .5 / +1 are numbers', () => {
    expect(splitThreshold('up{job="a)"} > 0')).toEqual({ expr: 'up{job="a)"}', threshold: 0 });
    expect(splitThreshold('x > .5')).toEqual({ expr: 'x', threshold: 0.5 });
    expect(splitThreshold('x >= +1')).toEqual({ expr: 'x', threshold: 1 });
  });
});
