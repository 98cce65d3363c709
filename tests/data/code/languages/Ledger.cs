using System;
using System.Collections.Generic;

namespace Accounts
{
    /// <summary>An append-only list of amounts.</summary>
    public class Ledger
    {
        private readonly List<decimal> entries = new List<decimal>();

        public decimal Balance { get; private set; }

        public void Record(decimal amount)
        {
            if (amount == 0)
            {
                throw new ArgumentException("amount must not be zero");
            }
            entries.Add(amount);
            Balance += amount;
        }

        public IReadOnlyList<decimal> Entries()
        {
            var copy = new List<decimal>(entries);
            copy.Reverse();
            return copy;
        }
    }
}
