// The articles of the Measures (《实施办法》) as a Chinese reader cites them. The screening's
// verdicts carry `article_zh` (第十条第四项) since the runner that added it; records screened
// before carry only the English citation (`Art. 10(4)`), which is translated here rather than
// shown in English.
import type { Verdict } from '../api/types'

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']

/** 1–99 as Chinese numerals (十, 十四, 二十, 二十一). */
export function chineseNumber(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 99) return String(value)
  if (value < 10) return DIGITS[value]!
  const tens = Math.floor(value / 10)
  const ones = value % 10
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`
}

/** `Art. 10(4)` → `第十条第四项`; `Art. 17, Art. 18` → `第十七条、第十八条`; any other part (a
 * standard such as `GB 32100`) as written. */
export function articleZhOf(article: string): string {
  return article
    .split(/\s*,\s*/)
    .filter(Boolean)
    .map((part) => {
      const match = /^Art\.\s*(\d+)(?:\((\d+)\))?$/.exec(part.trim())
      if (!match) return part.trim()
      const [, number, item] = match
      return `第${chineseNumber(Number(number))}条${item ? `第${chineseNumber(Number(item))}项` : ''}`
    })
    .join('、')
}

/** A verdict's article in Chinese: its own `article_zh`, else its `article` translated. */
export function verdictArticle(verdict: Pick<Verdict, 'article'> & Partial<Pick<Verdict, 'article_zh'>>): string {
  return verdict.article_zh?.trim() || articleZhOf(verdict.article)
}

/** A condition's name to show before its article in brackets: a name that already ends with that
 * article (`不在已获奖有效期内（第五条）`) drops it, so it is not said twice. */
export function nameBeforeArticle(name: string, article: string): string {
  const match = /（([^（）]+)）$/.exec(name)
  return match?.[1] && article.includes(match[1]) ? name.slice(0, match.index) : name
}
