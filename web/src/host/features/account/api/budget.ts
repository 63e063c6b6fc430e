// REST call of the account's own budget: what it has spent today and this month against the
// operator's caps.
import { useQuery } from "@tanstack/react-query";
import type { AccountBudget } from "../../../../generated";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";

/** The account's spending and caps (fresh on each visit: runs elsewhere change it). */
export function useAccountBudget() {
  return useQuery({ queryKey: queryKeys.accountBudget, queryFn: () => api<AccountBudget>("GET", "/api/account/budget") });
}
