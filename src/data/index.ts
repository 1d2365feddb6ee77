// Data loading: datasets, the batching loader, Python-style helpers and the shipped digits.
export { TensorDataset, collate, type Dataset } from "./dataset.js";
export { DataLoader, type DataLoaderOptions } from "./data-loader.js";
export { Subset, randomSplit } from "./subset.js";
export { enumerate, len } from "./enumerate.js";
export { digits, digitsSplitIndices, DIGITS_CLASSES, type DigitsOptions } from "./digits.js";
export { firstNames } from "./first-names.js";
