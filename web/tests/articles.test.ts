import { describe, expect, it } from 'vitest'
import { articleZhOf, chineseNumber, nameBeforeArticle, verdictArticle } from '../src/lib/articles'

describe("the Measures' articles in Chinese", () => {
  it('writes numbers as Chinese numerals', () => {
    expect([1, 4, 10, 11, 17, 20, 21, 99].map(chineseNumber)).toEqual(['一', '四', '十', '十一', '十七', '二十', '二十一', '九十九'])
  })

  it('translates the English citations of records screened before article_zh', () => {
    expect(articleZhOf('Art. 10(4)')).toBe('第十条第四项')
    expect(articleZhOf('Art. 5')).toBe('第五条')
    expect(articleZhOf('Art. 17, Art. 18')).toBe('第十七条、第十八条')
    expect(articleZhOf('Art. 10(3), Art. 11(2)')).toBe('第十条第三项、第十一条第二项')
    expect(articleZhOf('Art. 11(4), GB 32100')).toBe('第十一条第四项、GB 32100')
  })

  it("prefers the verdict's own article_zh, and falls back when it is empty or absent", () => {
    expect(verdictArticle({ article: 'Art. 10(4)', article_zh: '第十条第四项（检验）' })).toBe('第十条第四项（检验）')
    expect(verdictArticle({ article: 'Art. 10(4)', article_zh: '' })).toBe('第十条第四项')
    expect(verdictArticle({ article: 'Art. 2, Art. 10(1)' })).toBe('第二条、第十条第一项')
  })

  it("does not say a condition's article twice", () => {
    expect(nameBeforeArticle('不在已获奖有效期内（第五条）', '第五条')).toBe('不在已获奖有效期内')
    expect(nameBeforeArticle('不在撤销后禁止申报期内（第十七条、第十八条）', '第十七条、第十八条')).toBe('不在撤销后禁止申报期内')
    expect(nameBeforeArticle('近3年质量监督抽查和出口商品检验合格', '第十条第四项')).toBe('近3年质量监督抽查和出口商品检验合格')
    // Brackets that are not the article stay.
    expect(nameBeforeArticle('符合要求（含分支机构）', '第十条第一项')).toBe('符合要求（含分支机构）')
  })
})
