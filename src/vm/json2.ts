/**
 * IOST's JSON.stringify is json2.js (go-iost vm/v8vm/v8/libjs/json.js), which
 * escapes more code points than the native one and leaves lone surrogates raw.
 * The sandbox applies this to the native output: outside strings JSON text is
 * ASCII, so every code point touched here sits inside a string literal.
 */

/** json2.js rx_escapable minus what the native stringify escapes already (", \, U+0000–U+001F). */
const EXTRA = /[\u007f-\u009f\u00ad\u0600-\u0604\u070f\u17b4\u17b5\u200c-\u200f\u2028-\u202f\u2060-\u206f\ufeff\ufff0-\uffff]/g;
/** A native `\udXXX` escape of a lone surrogate (preceded by an even run of backslashes, so not an escaped backslash). */
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\u(d[89a-f][0-9a-f]{2})/g;

export function json2Escape(nativeJson: string): string {
  return nativeJson
    .replace(LONE_SURROGATE, (_, slashes: string, hex: string) => slashes + String.fromCharCode(parseInt(hex, 16)))
    .replace(EXTRA, (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"));
}
