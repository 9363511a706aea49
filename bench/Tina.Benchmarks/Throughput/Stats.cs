using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Tina.Benchmarks.Throughput;

/// <summary>Median and range of a few runs, formatted for the results table.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>"median (min–max)" with values scaled by <paramref name="scale"/>.</summary>
    public static string MedianRange(IEnumerable<double> values, double scale, string format)
    {
        double[] scaled = values.Select(v => v / scale).ToArray();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Median(scaled).ToString(format, CultureInfo.InvariantCulture)} ({scaled.Min().ToString(format, CultureInfo.InvariantCulture)}–{scaled.Max().ToString(format, CultureInfo.InvariantCulture)})");
    }

    public static string Join(IEnumerable<double> values, double scale, string format) =>
        string.Join("/", values.Select(v => (v / scale).ToString(format, CultureInfo.InvariantCulture)));

    public static double Max(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Max();

    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
