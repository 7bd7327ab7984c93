/**
 * Self-contained HTML reports: {@link dev.ballast.report.HtmlReport} assembles headings,
 * paragraphs, zoomable time-series {@link dev.ballast.report.Chart}s (drawn in the page by the
 * inlined uPlot library) and {@link dev.ballast.report.Table}s into one file that needs no network
 * to view. Used by {@code ballast demo} and {@code ballast simulate}.
 */
package dev.ballast.report;
