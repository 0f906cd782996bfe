-- The console's two database roles (README, "Database roles"), for a database server the scripts do not manage.
-- Run once as a superuser:
--   psql -v owner_pw="$(cat owner-password)" -v console_pw="$(cat console-password)" -v witness_pw="$(cat witness-password)" -f roles.sql
-- The console grants vnf_console its privileges itself, as vnf_owner, at every start.
create role vnf_owner login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'owner_pw';
create role vnf_console login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'console_pw';
create database console owner vnf_owner;
-- The witness reads the log and nothing else; grant it select on mt_events, audit_chain, audit_tree and
-- audit_checkpoint once the console has created them (docs/tamper-evident-log.md).
create role witness_reader login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'witness_pw';
