import type { EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import { DomainEventSchema } from './domain-event.entity.js';

/**
 * Pokes the outbox relay when domain events were written, so they are relayed at once rather
 * than at the next poll. Only flushes that wrote an event count: poking on every transaction made
 * the relay scan the outbox several times per ordinary request.
 */
export class OutboxPokeSubscriber implements EventSubscriber {
  /** An event was flushed inside a transaction that has not committed yet. */
  private pending = false;

  constructor(private readonly poke: () => void) {}

  afterFlush({ uow }: FlushEventArgs): void {
    const wroteEvent = uow
      .getChangeSets()
      .some((changeSet) => changeSet.meta.className === DomainEventSchema.meta.className);
    if (!wroteEvent) return;
    this.pending = true;
    // Outside an explicit transaction the flush has committed already.
    this.poke();
  }

  afterTransactionCommit(_args: TransactionEventArgs): void {
    if (!this.pending) return;
    this.pending = false;
    this.poke();
  }
}
