import { describe, expect, it } from 'vitest'
import { usccCheckCharacter, usccMessageZh, usccProblem } from '../src/lib/uscc'

describe('GB 32100-2015 USCC', () => {
  it('accepts codes whose check character is right (the README\'s, the sample form\'s, a real one)', () => {
    for (const code of ['91620602MA74XY8Q08', '91620602224305118Y', '91330100799655058B']) {
      expect(usccProblem(code), code).toBeNull()
    }
    expect(usccProblem(' 91330100799655058b ')).toBeNull()
  })

  it('computes the check character from the first 17', () => {
    expect(usccCheckCharacter('91620602MA74XY8Q0')).toBe('8')
    expect(usccCheckCharacter('91330100799655058')).toBe('B')
  })

  it('names the expected check character when it is wrong', () => {
    expect(usccProblem('91330100799655058C')).toEqual({
      kind: 'check_character',
      expected: 'B',
      found: 'C',
    })
    expect(usccMessageZh({ kind: 'check_character', expected: 'B', found: 'C' })).toContain('校验位')
  })

  it('refuses a wrong length, a letter outside the set and a non-numeric division code', () => {
    expect(usccProblem('91330100799655058')).toEqual({ kind: 'length', found: 17 })
    // I, O, S, V and Z are not in the set.
    expect(usccProblem('9133010079965505IB')).toEqual({ kind: 'character', position: 17, character: 'I' })
    expect(usccProblem('913A0100799655058B')).toEqual({ kind: 'division_code', found: '3A0100' })
    expect(usccMessageZh({ kind: 'length', found: 17 })).toBe('统一社会信用代码格式不正确：应为18位，现为17位。')
  })
})
