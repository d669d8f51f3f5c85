/**
 * For tools that show or copy stored state as it is, such as the {@code alchemy} command:
 * records printed byte for byte as Alchemy writes them ({@link run.alchemy.engine.tool.StateJson})
 * and stored secrets opened on request ({@link run.alchemy.engine.tool.StoredSecrets}). A deploy
 * program needs nothing here; this is the only package whose signatures carry Jackson types.
 */
package run.alchemy.engine.tool;
