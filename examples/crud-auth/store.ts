/** An item of the inventory. */
export interface Item {
  id: number;
  name: string;
  description: string | null;
  price: number;
  owner: string;
}

/**
 * An in-memory table with transactions: changes made through a transaction are seen by the
 * table only once it commits, and are dropped if it rolls back. It stands for a database session.
 */
export class ItemStore {
  readonly #items = new Map<number, Item>();
  #nextId = 1;

  begin(): ItemTransaction {
    return new ItemTransaction(this.#items, () => this.#nextId++);
  }
}

/** A unit of work on an {@link ItemStore}. */
export class ItemTransaction {
  readonly #committed: Map<number, Item>;
  readonly #pending = new Map<number, Item | null>();
  readonly #newId: () => number;

  constructor(committed: Map<number, Item>, newId: () => number) {
    this.#committed = committed;
    this.#newId = newId;
  }

  list(skip: number, limit: number): Item[] {
    const merged = new Map(this.#committed);
    for (const [id, item] of this.#pending) {
      if (item) merged.set(id, item);
      else merged.delete(id);
    }
    return [...merged.values()].sort((a, b) => a.id - b.id).slice(skip, skip + limit);
  }

  get(id: number): Item | undefined {
    if (this.#pending.has(id)) return this.#pending.get(id) ?? undefined;
    return this.#committed.get(id);
  }

  create(fields: Omit<Item, "id">): Item {
    const item = { id: this.#newId(), ...fields };
    this.#pending.set(item.id, item);
    return item;
  }

  replace(item: Item): void {
    this.#pending.set(item.id, item);
  }

  delete(id: number): void {
    this.#pending.set(id, null);
  }

  commit(): void {
    for (const [id, item] of this.#pending) {
      if (item) this.#committed.set(id, item);
      else this.#committed.delete(id);
    }
    this.#pending.clear();
  }

  rollback(): void {
    this.#pending.clear();
  }
}
