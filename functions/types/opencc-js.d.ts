// opencc-js publishes its dictionaries as modules without type declarations: each is "source target|source target…".
declare module 'opencc-js/dict/*' {
  const dict: string;
  export default dict;
}
