using System.Collections;
using Google.Protobuf.Collections;
using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// The sources that recalled a candidate, in recall order, without repeats, held inside the candidate: up to 8 in two
/// words, more in a list made only then. A list and its array per candidate were a seventh of an uncached Suggest
/// call's allocations, and a candidate rarely has more than three sources.
/// </summary>
internal struct SourceList : IEnumerable<Source>
{
    private const int Inline = 8;
    private const int SlotBits = 16;
    private ulong _low;
    private ulong _high;
    private int _count;
    private List<Source>? _more;

    public readonly int Count => _count;

    public readonly Source this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
            if (index >= Inline)
            {
                return _more![index - Inline];
            }

            var word = index < Inline / 2 ? _low : _high;
            return (Source)(ushort)(word >> (SlotBits * (index % (Inline / 2))));
        }
    }

    /// <summary>Adds a source once.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value outside 0..65535 (the proto's sources are small).</exception>
    public void Add(Source source)
    {
        ArgumentOutOfRangeException.ThrowIfNegative((int)source);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((int)source, ushort.MaxValue);
        if (Contains(source))
        {
            return;
        }

        if (_count >= Inline)
        {
            (_more ??= []).Add(source);
        }
        else if (_count < Inline / 2)
        {
            _low |= (ulong)(ushort)source << (SlotBits * _count);
        }
        else
        {
            _high |= (ulong)(ushort)source << (SlotBits * (_count - (Inline / 2)));
        }

        _count++;
    }

    public readonly bool Contains(Source source)
    {
        for (var i = 0; i < _count; i++)
        {
            if (this[i] == source)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when any of <paramref name="sources"/> is here.</summary>
    public readonly bool ContainsAny(IReadOnlyCollection<Source> sources)
    {
        for (var i = 0; i < _count; i++)
        {
            if (sources.Contains(this[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Appends the sources, in order, to a response item's field (no enumerator boxed).</summary>
    public readonly void CopyTo(RepeatedField<Source> into)
    {
        // Sized once: an empty repeated field's first add makes room for eight.
        into.Capacity = into.Count + _count;
        for (var i = 0; i < _count; i++)
        {
            into.Add(this[i]);
        }
    }

    public readonly Enumerator GetEnumerator() => new(this);

    readonly IEnumerator<Source> IEnumerable<Source>.GetEnumerator() => GetEnumerator();

    readonly IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks the sources in order without allocating.</summary>
    public struct Enumerator(SourceList list) : IEnumerator<Source>
    {
        private int _index = -1;

        public readonly Source Current => list[_index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < list.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
