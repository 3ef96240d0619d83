/** The {@code bench} command's scenarios: ConfWatch measured beside an honest baseline in the same run. */
package io.confwatch.bench;
