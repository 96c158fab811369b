// Package layering holds the test that keeps the module's packages in
// their layers: the stores import nothing of the bot, and the bot imports
// no store implementation nor the async engine, which plug into it from
// outside. It has no code of its own.
package layering
