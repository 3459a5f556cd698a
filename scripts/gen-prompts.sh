#!/usr/bin/env bash
# Generates the default Mandarin voice prompts of the call centre with espeak-ng (cmn
# voice) and sox, as 8 kHz 16-bit mono WAV under assets/prompts/zh/. The WAVs are
# committed and embedded (assets/prompts/prompts.go); rerun after changing a text.
# sox runs with -R (repeatable dither) so unchanged prompts regenerate byte for byte.
# Needs: espeak-ng, sox (scripts/test-deps.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
out=assets/prompts/zh
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { # name text
  espeak-ng -v cmn -s 150 -w "$tmp/$1.raw.wav" "$2"
  sox -R "$tmp/$1.raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$1.wav" gain -n -3
}

say greeting      "您好，这里是幺二三四五政务服务便民热线，通话将被录音。"
# Each integrated line greets with its own name (digits read one by one, 1 as 幺).
say greeting-12315 "您好，这里是幺二三幺五市场监管投诉举报热线，通话将被录音。"
say greeting-12333 "您好，这里是幺二三三三人力资源和社会保障服务热线，通话将被录音。"
say greeting-12329 "您好，这里是幺二三二九住房公积金服务热线，通话将被录音。"
say greeting-12320 "您好，这里是幺二三二零卫生健康服务热线，通话将被录音。"
say greeting-12350 "您好，这里是幺二三五零安全生产举报热线，通话将被录音。"
say greeting-12366 "您好，这里是幺二三六六纳税服务热线，通话将被录音。"
say greeting-12349 "您好，这里是幺二三四九民政公益服务热线，通话将被录音。"
say please-hold   "座席正忙，请稍候，我们将尽快为您接通。"
say queue-ahead   "您前面还有"
say queue-callers "位市民在等候。"
say menu-main     "咨询投诉建议请按1，查询工单办理进度请按2，留言请按3。"
say invalid       "您的输入有误，请重新输入。"
say voicemail     "现在是留言时间，请在提示音后说出您的诉求和联系方式，按井号键结束。"
say voicemail-saved "您的留言已记录，我们将尽快处理。"
say ticket-enter  "请输入工单编号，以井号键结束。"
say ticket-status "您查询的工单当前状态为"
say ticket-not-found "未查询到该工单，请核对后重新查询。"
say status-registered "已登记"
say status-dispatched "待签收"
say status-processing "办理中"
say status-replied "待审核"
say status-callback "待回访"
say status-closed "已办结"
say goodbye       "感谢您的来电，再见。"
say blacklist     "您的号码暂时无法接入本热线，如有疑问请通过其他渠道反映。"
say out-of-hours  "现在是非工作时间，工作时间为周一至周五上午八点半至下午五点半。"
say forward       "正在为您转接值班电话，请稍候。"
say feature-ok    "设置成功。"
for d in 0 1 2 3 4 5 6 7 8 9; do
  words=(零 一 二 三 四 五 六 七 八 九)
  say "digit-$d" "${words[$d]}"
done
# Tones need no voice: a 400 ms beep before voicemail, a soft hold tune for the queue.
sox -R -n -r 8000 -c 1 -b 16 -e signed-integer "$out/beep.wav" synth 0.4 sine 1000 gain -8
# Four rising notes, 2 s, looped by the player while a caller waits.
for n in 523 659 784 659; do
  sox -R -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/note-$n.wav" synth 0.5 sine "$n" fade 0.02 0.5 0.05 gain -14
done
sox -R "$tmp/note-523.wav" "$tmp/note-659.wav" "$tmp/note-784.wav" "$tmp/note-659.wav" "$out/hold-music.wav"
echo "prompts written to $out"
