-- cleanheat schema, version 6: where a household's subsidy is paid — a bank
-- card or 惠农一卡通 account (digits only), from the register's 收款账号.
ALTER TABLE household ADD COLUMN bank_account TEXT;
CREATE INDEX household_bank_account ON household(bank_account) WHERE bank_account IS NOT NULL;
