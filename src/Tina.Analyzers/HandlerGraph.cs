using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Tina.Analyzers;

/// <summary>
/// One type's handler code, collected while the type's members are analysed and resolved when the type ends: which
/// of its methods call which (direct invocations, property accesses and constructions of the same type), and the
/// findings in each. Findings are reported only for code reachable from a root: a method, lambda or local function
/// of the type that takes a <c>Tina.Context</c> (a context exists only while a handler runs, so this covers
/// <c>IIsolate.OnMessage</c> and every helper or handler delegate that is handed one).
/// </summary>
/// <remarks>
/// Thread safety: the compiler may run the operation callbacks of one type's members concurrently, so every mutation
/// and the final walk take <see cref="_gate"/>. The walk runs once, in the type's symbol-end callback, after every
/// member callback of that type has returned (the compiler guarantees that order).
/// </remarks>
internal sealed class HandlerGraph
{
    private readonly object _gate = new();
    private readonly Dictionary<ISymbol, HashSet<ISymbol>> _calls = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _roots = new(SymbolEqualityComparer.Default);
    private readonly List<(ISymbol Node, Diagnostic Diagnostic)> _findings = new();

    /// <summary>Marks a node (a method, lambda or local function taking a Context) as a handler root.</summary>
    public void AddRoot(ISymbol node)
    {
        lock (_gate)
        {
            _roots.Add(node);
        }
    }

    /// <summary>Records that code in <paramref name="from"/> calls <paramref name="to"/> (a member of the same type).</summary>
    public void AddCall(ISymbol from, ISymbol to)
    {
        lock (_gate)
        {
            if (!_calls.TryGetValue(from, out HashSet<ISymbol>? targets))
            {
                targets = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                _calls.Add(from, targets);
            }

            targets.Add(to);
        }
    }

    /// <summary>Records a finding in <paramref name="node"/>'s code, reported if the node turns out reachable.</summary>
    public void AddFinding(ISymbol node, Diagnostic diagnostic)
    {
        lock (_gate)
        {
            _findings.Add((node, diagnostic));
        }
    }

    /// <summary>The nodes reachable from the roots by the recorded calls (the roots included).</summary>
    public HashSet<ISymbol> Reachable()
    {
        lock (_gate)
        {
            var reached = new HashSet<ISymbol>(_roots, SymbolEqualityComparer.Default);
            var pending = new Stack<ISymbol>(_roots);
            while (pending.Count > 0)
            {
                ISymbol node = pending.Pop();
                if (!_calls.TryGetValue(node, out HashSet<ISymbol>? targets))
                {
                    continue;
                }

                foreach (ISymbol target in targets)
                {
                    if (reached.Add(target))
                    {
                        pending.Push(target);
                    }
                }
            }

            return reached;
        }
    }

    /// <summary>The findings whose node is in <paramref name="reachable"/>, in the order they were recorded.</summary>
    public List<Diagnostic> FindingsIn(HashSet<ISymbol> reachable)
    {
        lock (_gate)
        {
            var result = new List<Diagnostic>();
            foreach ((ISymbol node, Diagnostic diagnostic) in _findings)
            {
                if (reachable.Contains(node))
                {
                    result.Add(diagnostic);
                }
            }

            return result;
        }
    }
}
