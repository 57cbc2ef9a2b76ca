// A fake agent CLI: calls the Anthropic Messages API with streaming from what its environment gives
// it (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY), as Claude Code does, and prints what it got.
const base = process.env.ANTHROPIC_BASE_URL;
const key = process.env.ANTHROPIC_API_KEY;
console.log('AGENT-START');
const res = await fetch(`${base}/v1/messages`, {
  method: 'POST',
  headers: { 'x-api-key': key ?? '', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 32, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
});
let text = '';
let events = 0;
const decoder = new TextDecoder();
let buffer = '';
for await (const chunk of res.body) {
  buffer += decoder.decode(chunk, { stream: true });
  for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
    const event = buffer.slice(0, i);
    buffer = buffer.slice(i + 2);
    const data = event.split('\n').find((l) => l.startsWith('data: '));
    if (!data) continue;
    events++;
    const json = JSON.parse(data.slice(6));
    if (json.type === 'content_block_delta') text += json.delta.text;
  }
}
console.log(`AGENT-STATUS ${res.status} events=${events}`);
console.log(`AGENT-TEXT ${text.replace(/\s+/g, ' ')}`);
