// The draw report in words (Arts. 8, 11(5)–(6)): each application's experts drawn, its panel
// leader named. The server makes the first expert drawn the leader of a panel that had none; a
// panel topped up keeps its leader.

/** `李四（组长）、王五、赵敏` for a new panel; `补抽：刘洋（组长不变）` for one topped up. */
export function drawnPanelZh(panel: string[], nameOf: (id: string) => string, hadPanel: boolean): string {
  const names = panel.map(nameOf)
  if (hadPanel) return `补抽：${names.join('、')}（组长不变）`
  return names.map((name, index) => (index === 0 ? `${name}（组长）` : name)).join('、')
}
