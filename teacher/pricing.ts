/** Cost of a call from a price table in USD per million tokens. A model missing from the table costs 0. */

export interface ModelPrice {
  input_per_mtok: number;
  output_per_mtok: number;
}

export type PriceTable = Record<string, ModelPrice>;

/** Looks the model up as named, then without a date/quantisation suffix the server may add (`gpt-4o-mini-2024-07-18`). */
export function priceFor(table: PriceTable, model: string): ModelPrice | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const name of Object.keys(table)) {
    if (model.startsWith(`${name}-`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : table[best];
}

export function costUsd(table: PriceTable, model: string, promptTokens: number, completionTokens: number): number {
  const price = priceFor(table, model);
  if (price === undefined) return 0;
  return (promptTokens * price.input_per_mtok + completionTokens * price.output_per_mtok) / 1_000_000;
}

/** Adapts `common/config.ts`'s `{input, output}` price entries. */
export function priceTableFromConfig(prices: Record<string, { input: number; output: number }>): PriceTable {
  const out: PriceTable = {};
  for (const [model, p] of Object.entries(prices)) out[model] = { input_per_mtok: p.input, output_per_mtok: p.output };
  return out;
}
