import React, { useEffect, useState } from "react";
import {
  Alert,
  Divider,
  Flex,
  Link,
  LoadingSpinner,
  Statistics,
  StatisticsItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
  hubspot,
} from "@hubspot/ui-extensions";

// The adapter's public address (adapter.public-base-url) and the id of the HubSpot connection in its
// configuration. The address must also be listed in app-hsmeta.json, permittedUrls.fetch.
const PLANPILOT_URL = "https://planpilot.example.com";
const CONNECTION = "hs";

hubspot.extend(({ context }) => <PlanPilotDealCard context={context} />);

const percent = (value) => (value === null || value === undefined ? "—" : `${Math.round(value * 100)}%`);
const number = (value) => (value === null || value === undefined ? "—" : String(value));

const PlanPilotDealCard = ({ context }) => {
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    // hubspot.fetch signs the call (X-HubSpot-Signature-v3); the adapter checks it with the app's client secret
    hubspot
      .fetch(`${PLANPILOT_URL}/crm/hubspot/${CONNECTION}/card`, {
        method: "POST",
        timeout: 10000,
        body: { dealId: String(context.crm.objectId) },
      })
      .then(async (response) => {
        const data = await response.json();
        if (!response.ok) {
          throw new Error(data.error || `PlanPilot answered ${response.status}`);
        }
        setAnswer(data);
      })
      .catch((failure) => setError(failure.message));
  }, [context.crm.objectId]);

  if (error) {
    return <Alert title="PlanPilot" variant="info">{error}</Alert>;
  }
  if (!answer) {
    return <LoadingSpinner label="Loading PlanPilot's figures" />;
  }
  const { deal, dashboardUrl } = answer;
  const { stage, owner, actions } = deal;
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="sm" align="center">
        <Text format={{ fontWeight: "bold" }}>{stage.name || stage.id}</Text>
        {stage.overNorm ? <Tag variant="warning">longer than usual</Tag> : <Tag variant="success">on pace</Tag>}
        {deal.stale ? <Tag variant="error">no activity lately</Tag> : null}
      </Flex>
      <Statistics>
        <StatisticsItem label="Days in this stage" number={number(stage.daysInStage)} />
        <StatisticsItem
          label={`Usual (${stage.normPercentile}% of ${stage.normVisits} visits took at most)`}
          number={number(stage.norm)}
        />
      </Statistics>
      {owner ? (
        <>
          <Divider />
          <Text format={{ fontWeight: "bold" }}>{`${owner.name} this month (${deal.period})`}</Text>
          <Statistics>
            <StatisticsItem label={`Won (${deal.currency})`} number={number(owner.wonAmount)} />
            <StatisticsItem label="Deals won" number={number(owner.wonCount)} />
            <StatisticsItem label="Win rate" number={percent(owner.winRate)} />
            <StatisticsItem label="Tasks done on time" number={percent(owner.taskCompletion)} />
            <StatisticsItem label="Stale deals" number={number(owner.staleDeals)} />
          </Statistics>
        </>
      ) : null}
      <Divider />
      <Text format={{ fontWeight: "bold" }}>PlanPilot's actions about this deal</Text>
      {actions.length === 0 ? (
        <Text>None.</Text>
      ) : (
        <Table bordered={true}>
          <TableHead>
            <TableRow>
              <TableHeader>Action</TableHeader>
              <TableHeader>Status</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {actions.map((action) => (
              <TableRow key={action.id}>
                <TableCell>{action.title}</TableCell>
                <TableCell>{action.status}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Link href={dashboardUrl}>Open the deal in PlanPilot</Link>
    </Flex>
  );
};
