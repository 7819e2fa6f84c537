import { describe, expect, it } from 'vitest'
import { serial } from '../src/lib/serial'

describe('serial writes', () => {
  it('starts each task once the ones before it settled, refused or not, in order', async () => {
    const run = serial()
    const log: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const first = run(async () => {
      log.push('first starts')
      await gate
      log.push('first ends')
      throw new Error('refused')
    })
    const second = run(async () => {
      log.push('second starts')
      return 2
    })
    await Promise.resolve()
    await Promise.resolve()
    expect(log).toEqual(['first starts'])
    release()
    await expect(first).rejects.toThrow('refused')
    await expect(second).resolves.toBe(2)
    expect(log).toEqual(['first starts', 'first ends', 'second starts'])
  })
})
