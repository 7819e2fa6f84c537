// The browser scenarios read the runner's outbox through e2e/mail.ts; these messages were encoded
// by other programs (the runner's mail-builder, Python's email package), so the decoding is
// checked against encoders other than itself.
import { describe, expect, it } from 'vitest'
import { contentType, decodeWords, parseEmail } from '../e2e/mail'

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1')

describe('reading an outbox email', () => {
  it("reads the runner's confirmation email: folded B-encoded subject, base64 text in multipart/alternative", () => {
    const email = parseEmail(
      crlf([
        'Message-ID: <01M96BBX0M728KP0BX5HZM6305@award.wuwei.local>',
        'Date: Sun, 6 Dec 2026 18:55:22 +0000',
        'From: <noreply@award.wuwei.local>',
        'To: <b@example.cn>',
        'Subject: =?utf-8?B?5q2m5aiB5biC5Lq65rCR5pS/5bqc6LSo6YeP5aWW77ya6K+356Gu?=',
        ' =?utf-8?B?6K6k6IGU57O76YKu566x?=',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative;',
        ' boundary="18eebf0363a425b4_d9905f869eca7f2c_80464bf014654baa"',
        '',
        '--18eebf0363a425b4_d9905f869eca7f2c_80464bf014654baa',
        'Content-Type: text/plain; charset="utf-8"',
        'Content-Transfer-Encoding: base64',
        '',
        '5rWL6K+V77yaCgrmgqjljZXkvY3nlLPmiqXvvIjnvJblj7fvvJowMU05NkJCU1dYNTlUWTJGNVBY',
        'VE44UlZDR++8ieWhq+WGmeeahOiBlOezu+mCrueuseS4uiBiQGV4YW1wbGUuY27jgILkuLrnoa7k',
        'v53or4TlrqHpgJrnn6XpgIHovr7vvIzor7flnKggMjAyNi0xMi0xMCAwMjo1Ne+8iOWMl+S6rOaX',
        'tumXtO+8iSDliY3miZPlvIDku6XkuIvpk77mjqXnoa7orqTor6Xpgq7nrrHvvJoKCmh0dHA6Ly8x',
        'MjcuMC4wLjE6MzU3MzMvIy9lbWFpbC1jb25maXJtYXRpb25zLzQ2NmZjMzY2MmYzYzA0ZGE2NmMz',
        'YmUzNWNiYjUwM2QxCgrnoa7orqTliY3vvIzor4TlrqHpgJrnn6XlsIblj5HpgIHoh7PnlLPmiqXo',
        'tKblj7fnmoTlt7Lpqozor4Hpgq7nrrHjgILlpoLpnZ7mnKzljZXkvY3mk43kvZzvvIzor7flv73n',
        'laXmnKzpgq7ku7bjgIIKCuatpOmCruS7tueUseezu+e7n+iHquWKqOWPkemAge+8jOivt+WLv+eb',
        'tOaOpeWbnuWkjeOAggrmrablqIHluILkurrmsJHmlL/lupzotKjph4/lpZbor4TlrqHlp5TlkZjk',
        'vJrlip7lhazlrqQ=',
        '',
        '--18eebf0363a425b4_d9905f869eca7f2c_80464bf014654baa',
        'Content-Type: text/html; charset="utf-8"',
        'Content-Transfer-Encoding: base64',
        '',
        'PHA+5rWL6K+V77yaPC9wPg==',
        '',
        '--18eebf0363a425b4_d9905f869eca7f2c_80464bf014654baa--',
        '',
      ]),
      '01M96BBX0M728KP0BX5HZM6305.eml',
    )
    expect(email.file).toBe('01M96BBX0M728KP0BX5HZM6305.eml')
    expect(email.subject).toBe('武威市人民政府质量奖：请确认联系邮箱')
    expect(email.to).toEqual(['b@example.cn'])
    expect(email.headers.get('content-type')).toBe('multipart/alternative; boundary="18eebf0363a425b4_d9905f869eca7f2c_80464bf014654baa"')
    expect(email.text).toBe(
      [
        '测试：',
        '',
        '您单位申报（编号：01M96BBSWX59TY2F5PXTN8RVCG）填写的联系邮箱为 b@example.cn。为确保评审通知送达，请在 2026-12-10 02:55（北京时间） 前打开以下链接确认该邮箱：',
        '',
        'http://127.0.0.1:35733/#/email-confirmations/466fc3662f3c04da66c3be35cbb503d1',
        '',
        '确认前，评审通知将发送至申报账号的已验证邮箱。如非本单位操作，请忽略本邮件。',
        '',
        '此邮件由系统自动发送，请勿直接回复。',
        '武威市人民政府质量奖评审委员会办公室',
      ].join('\n'),
    )
    expect(email.html).toBe('<p>测试：</p>')
  })

  it('reads quoted-printable text with soft line breaks inside nested multiparts, skipping the preamble and attachments', () => {
    const email = parseEmail(
      crlf([
        'To: "李梅" <new@example.cn>, other@example.cn',
        'Subject: =?utf-8?q?=E8=B4=A8=E9=87=8F=E5=A5=96=EF=BC=9A=E8=AF=B7=E7=A1=AE=E8=AE=A4_?=',
        ' =?utf-8?q?=E9=82=AE=E7=AE=B1?= (2)',
        'Content-Type: multipart/mixed; boundary=outer',
        '',
        'This is a multi-part message in MIME format.',
        '--outer',
        'Content-Type: multipart/alternative; boundary="inner"',
        '',
        '--inner',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '=E6=82=A8=E5=8D=95=E4=BD=8D=E7=94=B3=E6=8A=A5=E7=9A=84=E8=81=94=E7=B3=BB=E9=',
        '=82=AE=E7=AE=B1=E4=B8=BA new@example.cn=E3=80=82=E8=AF=B7=E6=89=93=E5=BC=80=',
        '=E4=BB=A5=E4=B8=8B=E9=93=BE=E6=8E=A5=E7=A1=AE=E8=AE=A4=E8=AF=A5=E9=82=AE=E7=',
        '=AE=B1=EF=BC=9A',
        'http://127.0.0.1:8787/#/email-confirmations/0123456789abcdef0123456789abcde=',
        'f',
        '--inner',
        'Content-Type: text/html; charset=UTF-8',
        '',
        '<p>html</p>',
        '--inner--',
        '--outer',
        'Content-Type: application/pdf; name="a.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        'JVBERi0xLjQK',
        '--outer--',
        'epilogue',
      ]),
    )
    expect(email.subject).toBe('质量奖：请确认 邮箱 (2)')
    expect(email.to).toEqual(['new@example.cn', 'other@example.cn'])
    expect(email.text).toBe(
      '您单位申报的联系邮箱为 new@example.cn。请打开以下链接确认该邮箱：\nhttp://127.0.0.1:8787/#/email-confirmations/0123456789abcdef0123456789abcdef',
    )
    expect(email.html).toBe('<p>html</p>')
  })

  it('reads a single-part message in another charset, and an email with no text part', () => {
    const gb = parseEmail(
      Buffer.concat([
        crlf(['Subject: plain ascii', 'Content-Type: text/plain; charset=gb18030', 'Content-Transfer-Encoding: 8bit', '', '']),
        Buffer.from([0xc8, 0xb7, 0xc8, 0xcf]),
      ]),
    )
    expect(gb.subject).toBe('plain ascii')
    expect(gb.text).toBe('确认')
    const none = parseEmail(crlf(['Subject: x', 'Content-Type: application/octet-stream', '', 'AAAA']))
    expect(none.text).toBe('')
    expect(none.html).toBe('')
  })

  it('decodes encoded words and Content-Type parameters', () => {
    expect(decodeWords('=?UTF-8?B?56Gu6K6k?= =?UTF-8?Q?=E9=82=AE=E7=AE=B1?= ok')).toBe('确认邮箱 ok')
    expect(decodeWords('=?utf-8*zh-CN?Q?a_b?=')).toBe('a b')
    expect(decodeWords('not =? encoded')).toBe('not =? encoded')
    const parsed = contentType('Multipart/Alternative; boundary="a;b \\"c\\""; charset=utf-8')
    expect(parsed.type).toBe('multipart/alternative')
    expect(parsed.params.get('boundary')).toBe('a;b "c"')
    expect(parsed.params.get('charset')).toBe('utf-8')
  })
})
