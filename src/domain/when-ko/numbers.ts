// Numbers as Koreans write them in times: digits, native Korean words (한 시간, 두 시 반, 열두 시)
// and Sino-Korean words (삼십 분, 이 주). Each pattern lists longer words before their prefixes,
// because a regular expression takes the first alternative that fits.

const NATIVE_ONES: Record<string, number> = {
  하나: 1, 한: 1, 둘: 2, 두: 2, 셋: 3, 세: 3, 석: 3, 넷: 4, 네: 4, 넉: 4,
  다섯: 5, 여섯: 6, 일곱: 7, 여덟: 8, 아홉: 9,
};
const NATIVE_TENS: Record<string, number> = { 열: 10, 스물: 20, 스무: 20, 서른: 30, 마흔: 40, 쉰: 50 };
const SINO_DIGITS: Record<string, number> = { 일: 1, 이: 2, 삼: 3, 사: 4, 오: 5, 육: 6, 칠: 7, 팔: 8, 구: 9 };

const ONES = '하나|한|둘|두|셋|세|석|넷|네|넉|다섯|여섯|일곱|여덟|아홉';
const TENS = '열|스물|서른|마흔|쉰';

/** 1–59 in native words: 한, 두, 열두, 스물네, 스무. */
export const NATIVE_NUMBER = `(?:(?:${TENS})(?:${ONES})|${TENS}|스무|${ONES})`;
/** 1–99 in Sino-Korean words: 오, 십오, 삼십, 이십오. */
export const SINO_NUMBER = '(?:[일이삼사오육칠팔구]?십[일이삼사오육칠팔구]?|[일이삼사오육칠팔구])';
/** A count: digits, native or Sino-Korean. */
export const COUNT = `(?:\\d{1,4}|${NATIVE_NUMBER}|${SINO_NUMBER})`;
/** An hour on the clock: digits, or the native words for 1–12 (hours are read in native numbers). */
export const CLOCK_HOUR = '(?:\\d{1,2}|열하나|열한|열둘|열두|열|하나|한|둘|두|셋|세|넷|네|다섯|여섯|일곱|여덟|아홉)';
/** Minutes or seconds: digits or Sino-Korean words. */
export const CLOCK_MINUTE = `(?:\\d{1,2}|${SINO_NUMBER})`;

/** The value of a number word matched by one of the patterns above, or NaN. */
export function koreanNumber(word: string): number {
  const text = word.replace(/\s+/g, '');
  if (/^\d+$/.test(text)) return Number(text);
  const sino = /^([일이삼사오육칠팔구])?(십)?([일이삼사오육칠팔구])?$/.exec(text);
  if (sino && text !== '') {
    const [, tens, ten, ones] = sino;
    if (!ten) return tens && !ones ? SINO_DIGITS[tens]! : Number.NaN;
    return (tens ? SINO_DIGITS[tens]! : 1) * 10 + (ones ? SINO_DIGITS[ones]! : 0);
  }
  for (const [tensWord, tens] of Object.entries(NATIVE_TENS)) {
    if (text === tensWord) return tens;
    if (text.startsWith(tensWord) && NATIVE_ONES[text.slice(tensWord.length)] !== undefined) {
      return tens + NATIVE_ONES[text.slice(tensWord.length)]!;
    }
  }
  return NATIVE_ONES[text] ?? Number.NaN;
}
