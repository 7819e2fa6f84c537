// The Unified Social Credit Code (统一社会信用代码), GB 32100-2015, as the server checks it
// (shared/domain/src/uscc.rs): 18 characters of a 31-character set (digits and capitals without
// I, O, S, V, Z); positions 3–8 the division code (six digits); position 18 the check character
// `31 − (Σ value(cᵢ) × 3^(i−1) mod 31) mod 31` over positions 1–17.

export const USCC_CHARACTER_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
export const USCC_LENGTH = 18

export type UsccProblem =
  | { kind: 'length'; found: number }
  | { kind: 'character'; position: number; character: string }
  | { kind: 'division_code'; found: string }
  | { kind: 'check_character'; expected: string; found: string }

/** The check character of the first 17 characters (already in the set). */
export function usccCheckCharacter(first17: string): string {
  let sum = 0
  let weight = 1
  for (const character of first17) {
    sum += USCC_CHARACTER_SET.indexOf(character) * weight
    weight = (weight * 3) % 31
  }
  return USCC_CHARACTER_SET.charAt((31 - (sum % 31)) % 31)
}

/** What is wrong with `text` as a USCC (surrounding spaces and lower case are read, as the
 * server reads them), or null when it is valid. */
export function usccProblem(text: string): UsccProblem | null {
  const code = text.trim().toUpperCase()
  const characters = [...code]
  if (characters.length !== USCC_LENGTH) return { kind: 'length', found: characters.length }
  for (const [index, character] of characters.entries()) {
    if (!USCC_CHARACTER_SET.includes(character)) {
      return { kind: 'character', position: index + 1, character }
    }
  }
  const division = code.slice(2, 8)
  if (!/^\d{6}$/.test(division)) return { kind: 'division_code', found: division }
  const expected = usccCheckCharacter(code.slice(0, 17))
  const found = code.charAt(17)
  return expected === found ? null : { kind: 'check_character', expected, found }
}

/** The Chinese message for a USCC problem, worded as the server words it. */
export function usccMessageZh(problem: UsccProblem): string {
  switch (problem.kind) {
    case 'length':
      return `统一社会信用代码格式不正确：应为18位，现为${problem.found}位。`
    case 'character':
      return `统一社会信用代码格式不正确：第${problem.position}位字符“${problem.character}”不是有效字符。`
    case 'division_code':
      return `统一社会信用代码格式不正确：第3至8位应为6位数字的行政区划代码，现为“${problem.found}”。`
    case 'check_character':
      return '统一社会信用代码校验位错误，请核对。'
  }
}
