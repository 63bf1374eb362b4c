//! Which column each node of a picture goes in, and its order within the column.

use std::collections::HashMap;

use skillgraph_query::result::{Picture, PictureKind};

/// In a picture with an order, a helper without a place of its own that points at nodes in
/// several columns (a tool covering two plan steps) is drawn once beside each, so no edge runs
/// the length of the picture. Pictures without an order are left as they are.
pub fn split_shared_helpers(picture: &Picture) -> Picture {
    if picture.nodes.iter().all(|n| n.column.is_none()) {
        return picture.clone();
    }
    let column_of = |id: &str| picture.find(id).and_then(|n| n.column);
    let mut out = Picture {
        notes: picture.notes.clone(),
        ..Picture::default()
    };
    let mut moved: HashMap<(&str, &str), String> = HashMap::new();
    for node in &picture.nodes {
        let incoming = picture.edges.iter().any(|e| e.to == node.id);
        let mut targets: Vec<(usize, &str)> = picture
            .edges
            .iter()
            .filter(|e| e.from == node.id)
            .filter_map(|e| Some((column_of(&e.to)?, e.to.as_str())))
            .collect();
        targets.sort();
        let mut columns: Vec<usize> = targets.iter().map(|t| t.0).collect();
        columns.dedup();
        if node.column.is_some() || incoming || columns.len() < 2 {
            out.nodes.push(node.clone());
            continue;
        }
        for (k, column) in columns.iter().enumerate() {
            let mut copy = node.clone();
            copy.id = format!("{}#{k}", node.id);
            for (_, to) in targets.iter().filter(|t| t.0 == *column) {
                moved.insert((node.id.as_str(), to), copy.id.clone());
            }
            out.nodes.push(copy);
        }
    }
    for edge in &picture.edges {
        let mut edge = edge.clone();
        if let Some(id) = moved.get(&(edge.from.as_str(), edge.to.as_str())) {
            edge.from = id.clone();
        }
        out.edges.push(edge);
    }
    out
}

/// Which column each node goes in (see the [`svg`](super) module doc), starting at 0.
pub fn assign_columns(picture: &Picture, index: &HashMap<&str, usize>) -> Vec<usize> {
    let n = picture.nodes.len();
    let edges: Vec<(usize, usize)> = picture
        .edges
        .iter()
        .filter_map(|e| Some((*index.get(e.from.as_str())?, *index.get(e.to.as_str())?)))
        .filter(|(a, b)| a != b)
        .collect();
    let mut column: Vec<Option<i64>> = picture
        .nodes
        .iter()
        .map(|node| node.column.map(|c| c as i64))
        .collect();
    if column.iter().all(Option::is_none) {
        // Career moves between roles would stretch the roles over many columns and push
        // everything else right; roles share the first column and moves are drawn beside it.
        let layering: Vec<(usize, usize)> = edges
            .iter()
            .copied()
            .filter(|&(a, b)| {
                !(picture.nodes[a].kind == PictureKind::Role
                    && picture.nodes[b].kind == PictureKind::Role)
            })
            .collect();
        return longest_path_layers(n, &layering);
    }
    // Spread the answer's order to the nodes around it, nearest first.
    loop {
        let mut changed = false;
        for v in 0..n {
            if column[v].is_some() {
                continue;
            }
            let before = edges
                .iter()
                .filter(|&&(a, _)| a == v)
                .filter_map(|&(_, b)| column[b])
                .min();
            let after = edges
                .iter()
                .filter(|&&(_, b)| b == v)
                .filter_map(|&(a, _)| column[a])
                .max();
            // A helper (a tool covering a step, a skill a move names) goes under what it helps.
            if let Some(c) = before.or(after.map(|c| c + 1)) {
                column[v] = Some(c);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Whatever is not joined to the ordered part goes after it, layered on its own.
    let placed_max = column.iter().flatten().copied().max().unwrap_or(0);
    let rest: Vec<usize> = (0..n).filter(|&v| column[v].is_none()).collect();
    if !rest.is_empty() {
        let local: HashMap<usize, usize> = rest.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let rest_edges: Vec<(usize, usize)> = edges
            .iter()
            .filter_map(|(a, b)| Some((*local.get(a)?, *local.get(b)?)))
            .collect();
        for (i, layer) in longest_path_layers(rest.len(), &rest_edges)
            .into_iter()
            .enumerate()
        {
            column[rest[i]] = Some(placed_max + 1 + layer as i64);
        }
    }
    let min = column.iter().flatten().copied().min().unwrap_or(0);
    column
        .into_iter()
        .map(|c| (c.unwrap_or(min) - min) as usize)
        .collect()
}

/// Layers by longest path from the sources, after turning edges that close a cycle around
/// (found by depth-first search in node order, so the first node stays leftmost).
fn longest_path_layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        out[a].push(b);
    }
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut forward: Vec<(usize, usize)> = Vec::new();
    let mut order: Vec<usize> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < out[v].len() {
                let w = out[v][*next];
                *next += 1;
                match state[w] {
                    0 => {
                        forward.push((v, w));
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => forward.push((w, v)),
                    _ => forward.push((v, w)),
                }
            } else {
                state[v] = 2;
                order.push(v);
                stack.pop();
            }
        }
    }
    // `order` is a post-order of the forward edges: reversed, a topological order.
    let mut layer = vec![0usize; n];
    let position: HashMap<usize, usize> = order
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| (v, i))
        .collect();
    let mut sorted = forward;
    sorted.sort_by_key(|&(a, _)| position[&a]);
    for (a, b) in sorted {
        if position[&a] < position[&b] {
            layer[b] = layer[b].max(layer[a] + 1);
        }
    }
    layer
}

/// Orders the nodes of each column: the route first, then by the mean row of their
/// neighbours in the columns already ordered (a few sweeps each way), ties in picture order.
pub fn order_columns(
    picture: &Picture,
    columns: &[usize],
    edges: &[(usize, usize)],
) -> Vec<Vec<usize>> {
    let count = columns.iter().copied().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &c) in columns.iter().enumerate() {
        layers[c].push(v);
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
    for &(a, b) in edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    for sweep in 0..4 {
        let mut row = vec![0.0f64; columns.len()];
        for layer in &layers {
            for (i, &v) in layer.iter().enumerate() {
                row[v] = i as f64;
            }
        }
        let rightwards = sweep % 2 == 0;
        let range: Vec<usize> = if rightwards {
            (1..count).collect()
        } else {
            (0..count.saturating_sub(1)).rev().collect()
        };
        for c in range {
            let mut keyed: Vec<(bool, f64, usize, usize)> = layers[c]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let near: Vec<f64> = neighbours[v]
                        .iter()
                        .filter(|&&w| {
                            if rightwards {
                                columns[w] < c
                            } else {
                                columns[w] > c
                            }
                        })
                        .map(|&w| row[w])
                        .collect();
                    let mean = if near.is_empty() {
                        i as f64
                    } else {
                        near.iter().sum::<f64>() / near.len() as f64
                    };
                    (!picture.nodes[v].highlighted, mean, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
            layers[c] = keyed.into_iter().map(|k| k.3).collect();
            for (i, &v) in layers[c].iter().enumerate() {
                row[v] = i as f64;
            }
        }
    }
    layers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_do_not_stop_the_layering() {
        let layers = longest_path_layers(3, &[(0, 1), (1, 2), (2, 0)]);
        assert_eq!(layers, vec![0, 1, 2]);
    }
}
