// Japanese names of the danger signals triage raises (rule ids in data/triage/rules.yaml).
// A signal `answer:<key>=<value>` comes from an intake answer; it is named from the flows (intake.ts).

export const signalLabels = {
  signal: {
    suicidal_ideation: '希死念慮',
    farewell: '別れをほのめかす言葉',
    suicide_plan: '自殺の計画・手段',
    self_harm: '自傷',
    overdose: '過量服薬',
    abuse_child: '子どもへの虐待',
    abuse_elder: '高齢者への虐待',
    domestic_violence: '家庭内暴力・DV',
    violence_to_others: '他者への危険',
    collapsed: '急病・意識の異常',
    unresponsive: '呼びかけに反応がない',
    neglect_no_food: '食事・介護が受けられない',
    emergency_services: '警察・救急への言及',
    distress: '強い苦痛・疲弊',
    household_8050: '世帯のリスク（8050）',
    money_utilities: '生活の困窮',
    hoarding: 'ため込み',
    violence_to_objects: '物への暴力',
    verbal_abuse: '暴言',
    missing_person: '行方不明',
  },
} as const;
