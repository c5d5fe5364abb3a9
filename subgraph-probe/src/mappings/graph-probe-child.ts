// Handlers for GraphProbeChild template instances, created by handleChildSpawned.
import { ItemListed as ItemListedEvent } from "../../generated/templates/GraphProbeChild/GraphProbeChild";
import { listItem, ProbeConfig, probeConfig } from "../helpers";

export function handleChildItemListed(event: ItemListedEvent): void {
  handleChildItemListedImpl(event, probeConfig());
}

export function handleChildItemListedImpl(event: ItemListedEvent, _config: ProbeConfig): void {
  listItem(
    event,
    event.params.itemId,
    event.params.owner,
    event.params.tags,
    event.params.price,
    event.params.decimals,
    event.params.score,
    event.params.name,
  );
}
