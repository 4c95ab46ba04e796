/** `lamini eval convert`: public dataset layouts to the task format. */
export { convertFile, convertRecords, type ConvertOptions, type ConvertSummary } from './convert.ts';
export { CONVERTERS, FORMATS, generalDetokenize, hellaswagPreprocess, pyCapitalize, type ConvertedLine } from './layouts.ts';
export { readRecords } from './read-rows.ts';
