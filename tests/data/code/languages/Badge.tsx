import React from "react";

type BadgeProps = { label: string; count: number };

export function Badge({ label, count }: BadgeProps) {
  const shown = count > 99 ? "99+" : String(count);
  return (
    <span className="badge">
      {label}: {shown}
    </span>
  );
}

export const EmptyBadge = () => {
  const label = "none";
  return <Badge label={label} count={0} />;
};
