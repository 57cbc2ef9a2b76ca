import { describe, expect, it } from 'vitest';
import { AckCounter } from './ack-counter.js';

describe('AckCounter', () => {
  it('acknowledges in batches while writes are pending and the rest when they drain', () => {
    const acks: number[] = [];
    const counter = new AckCounter((n) => acks.push(n), 10);
    for (let i = 0; i < 5; i++) counter.willWrite();
    counter.didWrite(4);
    counter.didWrite(4);
    expect(acks).toEqual([]);
    counter.didWrite(4); // 12 >= 10
    expect(acks).toEqual([12]);
    counter.didWrite(3);
    expect(acks).toEqual([12]);
    counter.didWrite(2); // drained: idle ack
    expect(acks).toEqual([12, 5]);
  });

  it('sends nothing once disposed', () => {
    const acks: number[] = [];
    const counter = new AckCounter((n) => acks.push(n), 10);
    counter.willWrite();
    counter.dispose();
    counter.didWrite(100);
    expect(acks).toEqual([]);
  });
});
