<?php

namespace Shop;

/** An amount of money in cents. */
final class Money
{
    public function __construct(private int $cents, private string $currency)
    {
    }

    public function add(Money $other): Money
    {
        if ($other->currency !== $this->currency) {
            throw new \InvalidArgumentException('currency mismatch');
        }
        $sum = $this->cents + $other->cents;
        return new Money($sum, $this->currency);
    }

    public function format(): string
    {
        $units = intdiv($this->cents, 100);
        $rest = $this->cents % 100;
        return sprintf('%d.%02d %s', $units, $rest, $this->currency);
    }
}
