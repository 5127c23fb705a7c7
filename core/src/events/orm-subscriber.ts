import type { EventSubscriber, TransactionEventArgs, FlushEventArgs } from '@mikro-orm/core';

/**
 * Pokes the outbox relay when a transaction commits, so events are relayed at once rather than
 * at the next poll. Cheap: the relay coalesces pokes.
 */
export class OutboxPokeSubscriber implements EventSubscriber {
  constructor(private readonly poke: () => void) {}

  afterTransactionCommit(_args: TransactionEventArgs): void {
    this.poke();
  }

  afterFlush(_args: FlushEventArgs): void {
    this.poke();
  }
}
