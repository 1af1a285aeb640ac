/**
 * The JDBC store (H2 or PostgreSQL, one Flyway schema): models, versions, aliases, the outbox
 * table, and the transaction runner. Changes to a model serialize on its row lock, which makes
 * version numbers gapless and event sequences ordered.
 */
package io.prunegate.registry.store;
