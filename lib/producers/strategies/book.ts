/** A position and its P&L: average-price accounting, realised on every reduction. */
export class Book {
  quantity = 0;
  avgPrice: number | null = null;
  realized = 0;
  trades = 0;
  /** Reductions that made money, and all reductions (for a win rate). */
  wins = 0;
  closes = 0;

  /** Buys (`delta` > 0) or sells `|delta|` at `price`; returns the P&L this fill realised. */
  fill(delta: number, price: number): number {
    if (delta === 0) return 0;
    this.trades++;
    const q = this.quantity;
    if (q === 0 || Math.sign(q) === Math.sign(delta)) {
      this.avgPrice = ((this.avgPrice ?? price) * q + price * delta) / (q + delta);
      this.quantity = q + delta;
      return 0;
    }
    const closing = Math.min(Math.abs(delta), Math.abs(q)) * Math.sign(q);
    const pnl = closing * (price - this.avgPrice!);
    this.realized += pnl;
    this.closes++;
    if (pnl > 0) this.wins++;
    this.quantity = q + delta;
    if (Math.abs(this.quantity) < 1e-12) {
      this.quantity = 0;
      this.avgPrice = null;
    } else if (Math.sign(this.quantity) !== Math.sign(q)) {
      // Went through zero: the remainder is a new position opened at this price.
      this.avgPrice = price;
    }
    return pnl;
  }

  unrealized(price: number | null): number {
    return price === null || this.avgPrice === null ? 0 : this.quantity * (price - this.avgPrice);
  }
}
